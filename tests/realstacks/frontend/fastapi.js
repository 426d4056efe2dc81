// FastAPI's OAuth2 password flow: a form-encoded login, `access_token`, Bearer calls.
const API = API_BASE;
let token = "";
export async function signIn(username, password) {
  const body = new URLSearchParams({ username, password });
  const res = await fetch(`${API}/auth/token`, { method: "POST", body });
  const json = await res.json();
  token = json.access_token;
  return json;
}
export const currentUser = () =>
  fetch(`${API}/users/me`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.json());
window.addEventListener("load", () => signIn("u", "p").then(currentUser));
