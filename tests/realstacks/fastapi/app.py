"""FastAPI + Starlette's CORSMiddleware + PyJWT: OAuth2 password login (form-encoded), Bearer
tokens, no trailing slashes. Configured from the environment. Run by tests/realstacks.rs."""
import os
import time

import jwt
from fastapi import Depends, FastAPI, Form, HTTPException
from fastapi.middleware.cors import CORSMiddleware
from fastapi.security import OAuth2PasswordBearer

SECRET = os.environ.get("JWT_SECRET", "realstacks-fastapi-secret")
app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origins=[o for o in os.environ.get("CORS_ORIGINS", "").split(",") if o],
    allow_credentials=os.environ.get("CORS_CREDENTIALS", "false") == "true",
    allow_methods=["*"],
    allow_headers=[h for h in os.environ.get("CORS_HEADERS", "*").split(",") if h],
)
oauth2 = OAuth2PasswordBearer(tokenUrl="/auth/token")


@app.post("/auth/token")
def token(username: str = Form(), password: str = Form()):
    if username != os.environ["TEST_EMAIL"] or password != os.environ["TEST_PASSWORD"]:
        raise HTTPException(status_code=401, detail="Incorrect username or password")
    now = int(time.time())
    claims = {"sub": username, "iat": now, "exp": now + 900}
    return {"access_token": jwt.encode(claims, SECRET, algorithm="HS256"), "token_type": "bearer"}


def user(tok: str = Depends(oauth2)):
    try:
        return jwt.decode(tok, SECRET, algorithms=["HS256"])["sub"]
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="Invalid token")


@app.get("/users/me")
def me(u: str = Depends(user)):
    return {"username": u}


@app.get("/health")
def health():
    return {"status": "ok"}
