// FastAPI's OAuth2 password flow from a SPA that also sends cookies (`credentials: "include"`)
// with its Bearer calls.
const API = API_BASE;
let token = "";
export async function signIn(username, password) {
  const body = new URLSearchParams({ username, password });
  const res = await fetch(`${API}/auth/token`, { method: "POST", body, credentials: "include" });
  const json = await res.json();
  token = json.access_token;
  return json;
}
export const currentUser = () =>
  fetch(`${API}/users/me`, { credentials: "include", headers: { Authorization: `Bearer ${token}` } }).then((r) =>
    r.json(),
  );
window.addEventListener("load", () => signIn("u", "p").then(currentUser));
