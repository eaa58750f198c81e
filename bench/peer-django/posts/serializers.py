from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from .models import Post

User = get_user_model()


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "content", "user", "created_at", "updated_at"]
        read_only_fields = ["user"]


class RegisterSerializer(serializers.ModelSerializer):
    """`email` and/or `username` (the email is the username when none is given), optional
    `name`, `password` (Django's validators), optional `password2` that must match."""

    # Declared (instead of generated from the model) only to make them optional; the
    # validators are the ones ModelSerializer would generate, plus a unique email.
    username = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        validators=[
            User.username_validator,
            UniqueValidator(User.objects.all(), message="A user with that username already exists."),
        ],
    )
    email = serializers.EmailField(
        required=False,
        allow_blank=True,
        max_length=254,
        validators=[UniqueValidator(User.objects.all(), message="user with this email already exists.")],
    )
    name = serializers.CharField(source="first_name", required=False, allow_blank=True, max_length=150)
    password = serializers.CharField(write_only=True, trim_whitespace=False)
    password2 = serializers.CharField(write_only=True, required=False, trim_whitespace=False)

    class Meta:
        model = User
        fields = ["id", "username", "email", "name", "password", "password2"]

    def validate(self, attrs):
        if not attrs.get("username"):
            if not attrs.get("email"):
                raise serializers.ValidationError("A username or an email address is required.")
            attrs["email"] = User.objects.normalize_email(attrs["email"])
            attrs["username"] = attrs["email"]
            if User.objects.filter(username=attrs["username"]).exists():
                raise serializers.ValidationError(
                    {"email": ["A user with that username already exists."]}
                )
        password2 = attrs.pop("password2", None)
        if password2 is not None and password2 != attrs["password"]:
            raise serializers.ValidationError({"password": ["Password fields didn't match."]})
        candidate = User(
            username=attrs["username"], email=attrs.get("email", ""), first_name=attrs.get("first_name", "")
        )
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as e:
            raise serializers.ValidationError({"password": list(e.messages)})
        return attrs

    def create(self, validated_data):
        return User.objects.create_user(
            username=validated_data["username"],
            email=validated_data.get("email", ""),
            password=validated_data["password"],
            first_name=validated_data.get("first_name", ""),
        )
