from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """Logs in by email: simplejwt's TokenObtainPairView then asks for `email`, not `username`."""

    email = models.EmailField(unique=True)
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["username"]
