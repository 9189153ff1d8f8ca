/*
 * src/core/qrsvg.c -- a QR code as an SVG image (see qrsvg.h).
 */
#include "qrsvg.h"

#include <apr_strings.h>

#include <qrencode.h>

#define QUIET 4 /* modules of white around the code */

const char *acc_qr_svg(apr_pool_t *p, const char *text)
{
    QRcode *qr;
    const char *head;
    int x, y, w, size;
    apr_size_t len = 0;
    char *out;

    /* 8-bit mode: a URI holds lowercase and punctuation. */
    qr = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M);
    if (qr == NULL) {
        return NULL;
    }
    w = qr->width;
    size = w + 2 * QUIET;
    head = apr_psprintf(p,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<svg xmlns=\"http://www.w3.org/2000/svg\" "
                        "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
                        "shape-rendering=\"crispEdges\">"
                        "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
                        "<path fill=\"#000\" d=\"",
                        size, size, size * 6, size * 6, size, size);
    /* One "Mx yh1v1h-1z" a dark module: at most 24 bytes each (x, y
     * below 200: version 40 is 177 modules wide). */
    out = apr_palloc(p, (apr_size_t)w * (apr_size_t)w * 24 + 1);
    out[0] = '\0';
    for (y = 0; y < w; y++) {
        for (x = 0; x < w; x++) {
            if (qr->data[y * w + x] & 1) {
                len += (apr_size_t)apr_snprintf(out + len, 25, "M%d %dh1v1h-1z",
                                                x + QUIET, y + QUIET);
            }
        }
    }
    QRcode_free(qr);
    return apr_pstrcat(p, head, out, "\"/></svg>\n", NULL);
}
