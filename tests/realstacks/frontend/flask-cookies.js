// The flask-jwt-extended API from a SPA whose axios-style client sends cookies on every call.
const client = { base: API_BASE, token: null };
async function login(email, password) {
  const r = await fetch(client.base + "/auth/login", {
    method: "POST",
    credentials: "include",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  client.token = (await r.json()).access_token;
}
const profile = () =>
  fetch(`${client.base}/profile`, {
    credentials: "include",
    headers: { Authorization: "Bearer " + client.token },
  }).then((r) => r.json());
login("a@b.c", "x").then(profile);
