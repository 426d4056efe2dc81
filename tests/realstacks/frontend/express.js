// A Bearer-only SPA: email login, `accessToken` in memory, no cookies.
const baseURL = API_BASE;
let accessToken = null;
const authHeaders = () => (accessToken ? { Authorization: `Bearer ${accessToken}` } : {});
export async function login(email, password) {
  const r = await fetch(`${baseURL}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  ({ accessToken } = await r.json());
}
export const me = () => fetch(`${baseURL}/me`, { headers: authHeaders() }).then((r) => r.json());
export const orders = () => fetch(`${baseURL}/orders`, { headers: authHeaders() }).then((r) => r.json());
document.querySelector("form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  login(e.target.email.value, e.target.password.value).then(me).then(orders);
});
