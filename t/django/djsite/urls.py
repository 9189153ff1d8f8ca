"""Django's own account views, as a Django site mounts them."""
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("django.contrib.auth.urls")),
]
