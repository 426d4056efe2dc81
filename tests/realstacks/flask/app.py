"""Flask + flask-cors + flask-jwt-extended: JSON login by email, Bearer tokens. The CORS resources
pattern comes from the environment (a pattern that misses the auth routes is the classic
fault). Run by tests/realstacks.rs."""
import os

from flask import Flask, jsonify, request
from flask_cors import CORS
from flask_jwt_extended import JWTManager, create_access_token, get_jwt_identity, jwt_required

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = os.environ.get("JWT_SECRET", "realstacks-flask-secret-0123456789")
JWTManager(app)
origins = [o for o in os.environ.get("CORS_ORIGINS", "").split(",") if o]
CORS(
    app,
    resources={os.environ.get("CORS_RESOURCES", r"/api/*"): {"origins": origins}},
    supports_credentials=os.environ.get("CORS_CREDENTIALS", "false") == "true",
)


@app.post("/api/auth/login")
def login():
    body = request.get_json(silent=True) or {}
    email, password = body.get("email"), body.get("password")
    if not email or not password:
        return jsonify({"msg": "email and password are required"}), 400
    if email != os.environ["TEST_EMAIL"] or password != os.environ["TEST_PASSWORD"]:
        return jsonify({"msg": "Bad email or password"}), 401
    return jsonify(access_token=create_access_token(identity=email))


@app.get("/api/profile")
@jwt_required()
def profile():
    return jsonify(email=get_jwt_identity())


@app.get("/health")
def health():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=int(os.environ["PORT"]))
