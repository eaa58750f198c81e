from rest_framework import generics, status, viewsets
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_simplejwt.tokens import RefreshToken

from .models import Post
from .serializers import PostSerializer, RegisterSerializer


class RegisterView(generics.CreateAPIView):
    """Open registration that logs the new user in, like our gateway's default policy."""

    serializer_class = RegisterSerializer
    authentication_classes = []
    permission_classes = [AllowAny]

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.save()
        refresh = RefreshToken.for_user(user)
        data = {
            **serializer.data,
            "user_id": user.id,
            "access": str(refresh.access_token),
            "refresh": str(refresh),
            "is_error": 0,
            "message": "success",
        }
        return Response(data, status=status.HTTP_201_CREATED)


class PostViewSet(viewsets.ModelViewSet):
    """The caller's posts; another user's post is 404."""

    serializer_class = PostSerializer

    def get_queryset(self):
        return Post.objects.filter(user=self.request.user).order_by("id")

    def perform_create(self, serializer):
        serializer.save(user=self.request.user)


class DashboardView(APIView):
    def get(self, request):
        return Response({"response": f"Hey {request.user.username}, You are seeing a GET response"})

    def post(self, request):
        text = request.data.get("text")
        if text is None:
            return Response({"text": ["This field is required."]}, status=status.HTTP_400_BAD_REQUEST)
        return Response({"response": f"Hey {request.user.username}, your text is {text}"})
