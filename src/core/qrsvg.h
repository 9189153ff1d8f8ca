/*
 * src/core/qrsvg.h -- a QR code as an SVG image (the authenticator
 * setup page's), drawn from libqrencode's modules.
 *
 * One path of unit squares on a white background with a quiet zone of
 * four modules (the standard's), error correction level M, scaled by the
 * viewer: no script, no external reference, nothing but the picture.
 * Pure core: libqrencode and APR.
 */
#ifndef ACC_QRSVG_H
#define ACC_QRSVG_H

#include "core.h"

/* The SVG document of text's QR code (byte mode), in p; NULL when
 * libqrencode cannot encode it (empty, too long for any version, or out of
 * memory). */
const char *acc_qr_svg(apr_pool_t *p, const char *text);

#endif /* ACC_QRSVG_H */
