// flask-jwt-extended behind flask-cors: JSON email login, `access_token`, Bearer calls.
const http = { base: API_BASE, token: null };
export async function login(email, password) {
  const r = await fetch(http.base + "/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  const { access_token } = await r.json();
  http.token = access_token;
}
export const profile = () =>
  fetch(`${http.base}/profile`, { headers: { Authorization: "Bearer " + http.token } }).then((r) => r.json());
login("a@b.c", "x").then(profile);
