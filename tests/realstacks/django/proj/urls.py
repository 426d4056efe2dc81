from django.conf import settings
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.http import JsonResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_protect, ensure_csrf_cookie
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.views import TokenObtainPairView, TokenRefreshView


class Profile(APIView):
    permission_classes = [IsAuthenticated]

    def get(self, request):
        return Response({"username": request.user.username, "email": request.user.email})


def health(_request):
    get_user_model().objects.count()
    return JsonResponse({"status": "ok"})


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: the API answers a refused CSRF check in DRF's words, as JSON."""
    return JsonResponse({"detail": f"CSRF Failed: {reason}"}, status=403)


@method_decorator(ensure_csrf_cookie, name="dispatch")
class Csrf(APIView):
    """The SPA's first call: sets the csrftoken cookie it echoes in X-CSRFToken."""

    permission_classes = [AllowAny]

    def get(self, request):
        return Response({"detail": "CSRF cookie set"})


@method_decorator(csrf_protect, name="dispatch")
class SessionLogin(APIView):
    """A session login at dj-rest-auth's path, CSRF-protected as Django's own LoginView is."""

    permission_classes = [AllowAny]

    def post(self, request):
        user = authenticate(
            request,
            username=request.data.get("username"),
            password=request.data.get("password"),
        )
        if user is None:
            return Response({"detail": "Invalid credentials."}, status=400)
        login(request, user)
        return Response({"username": user.username})


class SessionLogout(APIView):
    permission_classes = [IsAuthenticated]

    def post(self, request):
        logout(request)
        return Response(status=204)


urlpatterns = [
    path("health/", health),
    path("api/v1/auth/profile/", Profile.as_view()),
]
if settings.SESSIONS:
    # The cookie-session deployment serves no JWT login at all.
    urlpatterns += [
        path("api/v1/auth/csrf/", Csrf.as_view()),
        path("api/v1/auth/login/", SessionLogin.as_view()),
        path("api/v1/auth/logout/", SessionLogout.as_view()),
    ]
else:
    urlpatterns += [
        path("api/v1/auth/login/", TokenObtainPairView.as_view()),
        path("api/v1/auth/refresh/", TokenRefreshView.as_view()),
    ]
