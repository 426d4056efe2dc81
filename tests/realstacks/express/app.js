// Express + cors + jsonwebtoken: a Bearer-only SPA backend, logging in by email, no trailing
// slashes. Configured from the environment. Run by tests/realstacks.rs.
const express = require("express");
const cors = require("cors");
const jwt = require("jsonwebtoken");

const SECRET = process.env.JWT_SECRET || "realstacks-express-secret";
const ORIGINS = (process.env.CORS_ORIGINS || "").split(",").filter(Boolean);
const app = express();
app.disable("etag");
app.use(cors({ origin: ORIGINS }));
app.use(express.json());

app.post("/api/auth/login", (req, res) => {
  const { email, password } = req.body || {};
  if (!email || !password) {
    return res.status(400).json({ error: "email and password are required" });
  }
  if (email !== process.env.TEST_EMAIL || password !== process.env.TEST_PASSWORD) {
    return res.status(401).json({ error: "invalid credentials" });
  }
  const accessToken = jwt.sign({ sub: email }, SECRET, { expiresIn: "15m" });
  res.json({ accessToken });
});

function auth(req, res, next) {
  const h = req.get("authorization") || "";
  const token = h.startsWith("Bearer ") ? h.slice(7) : null;
  if (!token) return res.status(401).json({ error: "no token" });
  try {
    req.user = jwt.verify(token, SECRET);
    next();
  } catch (e) {
    res.status(401).json({ error: "invalid token" });
  }
}

app.get("/api/me", auth, (req, res) => res.json({ email: req.user.sub }));
app.get("/api/orders", auth, (req, res) => res.json([]));
app.get("/health", (req, res) => res.json({ ok: true }));

const port = Number(process.env.PORT);
app.listen(port, "127.0.0.1", () => console.log(`listening on ${port}`));
