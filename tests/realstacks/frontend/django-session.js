// A cookie-session SPA behind Django's CSRF check: it fetches the csrftoken cookie, then logs in
// with the token echoed in X-CSRFToken; every call sends cookies.
const api = API_BASE;
const cookie = (name) =>
  document.cookie
    .split("; ")
    .find((c) => c.startsWith(`${name}=`))
    ?.split("=")[1];
const call = async (path, init = {}) => {
  const headers = { "Content-Type": "application/json", ...(init.headers || {}) };
  if (init.method && init.method !== "GET") headers["X-CSRFToken"] = cookie("csrftoken");
  const res = await fetch(`${api}${path}`, { credentials: "include", ...init, headers });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.status === 204 ? null : res.json();
};
export async function login(username, password) {
  await call("/auth/csrf/");
  return call("/auth/login/", { method: "POST", body: JSON.stringify({ username, password }) });
}
export const profile = () => call("/auth/profile/");
export const logout = () => call("/auth/logout/", { method: "POST" });
document.getElementById("login")?.addEventListener("click", () => login("a", "b").then(profile));
