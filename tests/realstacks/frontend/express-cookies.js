// The same Express API from a SPA that sends cookies: `credentials: "include"` on every call
// (a refresh cookie, say), which needs `cors({ origin, credentials: true })` on the server.
const baseURL = API_BASE;
let accessToken = null;
const send = (path, init = {}) =>
  fetch(`${baseURL}${path}`, {
    credentials: "include",
    ...init,
    headers: { ...(init.headers || {}), ...(accessToken ? { Authorization: `Bearer ${accessToken}` } : {}) },
  });
export async function login(email, password) {
  const r = await send("/auth/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  ({ accessToken } = await r.json());
}
export const me = () => send("/me").then((r) => r.json());
export const orders = () => send("/orders").then((r) => r.json());
document.querySelector("form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  login(e.target.email.value, e.target.password.value).then(me).then(orders);
});
