// A Plane-like editor: Bearer calls to the API and a live socket at /live with the access token
// in the query string, as Plane's live server takes it.
const baseURL = API_BASE;
let accessToken = null;
export async function login(email, password) {
  const r = await fetch(`${baseURL}/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password }),
  });
  ({ accessToken } = await r.json());
}
export const me = () =>
  fetch(`${baseURL}/me`, { headers: { Authorization: `Bearer ${accessToken}` } }).then((r) => r.json());
export function connectLive(token, onUpdate) {
  const socket = new WebSocket(`${WS_BASE}/live?token=${token}`);
  socket.addEventListener("message", (e) => onUpdate(JSON.parse(e.data)));
  return socket;
}
document.querySelector("form")?.addEventListener("submit", (e) => {
  e.preventDefault();
  login(e.target.email.value, e.target.password.value)
    .then(me)
    .then(() => connectLive(accessToken, console.log));
});
