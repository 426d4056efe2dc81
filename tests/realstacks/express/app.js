// Express + cors + jsonwebtoken: a Bearer-only SPA backend, logging in by email, no trailing
// slashes, and a Plane-like live server (`ws`) at /live taking `?token=`. Configured from the
// environment. Run by tests/realstacks.rs.
const http = require("http");
const express = require("express");
const cors = require("cors");
const jwt = require("jsonwebtoken");
const { WebSocketServer } = require("ws");

const SECRET = process.env.JWT_SECRET || "realstacks-express-secret";
const ORIGINS = (process.env.CORS_ORIGINS || "").split(",").filter(Boolean);
const app = express();
app.disable("etag");
// CORS_CREDENTIALS=true is `cors({ origin, credentials: true })`; unset, the package sends no
// Access-Control-Allow-Credentials.
app.use(cors({ origin: ORIGINS, credentials: process.env.CORS_CREDENTIALS === "true" }));
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

function verify(token) {
  try {
    return jwt.verify(token, SECRET);
  } catch (e) {
    return null;
  }
}

function auth(req, res, next) {
  const h = req.get("authorization") || "";
  const token = h.startsWith("Bearer ") ? h.slice(7) : null;
  if (!token) return res.status(401).json({ error: "no token" });
  req.user = verify(token);
  if (!req.user) return res.status(401).json({ error: "invalid token" });
  next();
}

app.get("/api/me", auth, (req, res) => res.json({ email: req.user.sub }));
app.get("/api/orders", auth, (req, res) => res.json([]));
app.get("/health", (req, res) => res.json({ ok: true }));

// The live server: the upgrade needs an allowed Origin (403 otherwise) and a valid `?token=`
// (401 otherwise), as Plane's live server checks its ALLOWED_ORIGINS and the session.
const server = http.createServer(app);
const live = new WebSocketServer({ noServer: true });
function refuse(socket, status, text) {
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
server.on("upgrade", (req, socket, head) => {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname !== "/live") return refuse(socket, 404, "Not Found");
  if (!ORIGINS.includes(req.headers.origin)) return refuse(socket, 403, "Forbidden");
  const user = verify(url.searchParams.get("token") || "");
  if (!user) return refuse(socket, 401, "Unauthorized");
  live.handleUpgrade(req, socket, head, (ws) => {
    ws.send(JSON.stringify({ type: "hello", user: user.sub }));
    ws.on("message", (m) => ws.send(m.toString()));
  });
});

const port = Number(process.env.PORT);
server.listen(port, "127.0.0.1", () => console.log(`listening on ${port}`));
