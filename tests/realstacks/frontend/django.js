// A TikTrue-shaped SPA: username login through simplejwt, tokens in localStorage, cookies sent.
const api = API_BASE;
async function call(path, opts = {}) {
  const token = localStorage.getItem("access");
  const headers = { "Content-Type": "application/json", ...(opts.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  const res = await fetch(`${api}${path}`, { credentials: "include", ...opts, headers });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
}
export async function login(username, password) {
  const data = await call("/auth/login/", { method: "POST", body: JSON.stringify({ username, password }) });
  localStorage.setItem("access", data.access);
  localStorage.setItem("refresh", data.refresh);
  return data;
}
export const refresh = () =>
  call("/auth/refresh/", { method: "POST", body: JSON.stringify({ refresh: localStorage.getItem("refresh") }) });
export const profile = () => call("/auth/profile/");
document.getElementById("login")?.addEventListener("click", () => login("a", "b").then(profile));
