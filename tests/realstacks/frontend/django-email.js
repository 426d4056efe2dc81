// DRF + simplejwt with an email user model: the SPA logs in with {email, password}, keeps the
// access token in memory and sends only `Authorization: Bearer` (no cookies).
const api = API_BASE;
const session = { access: null, refresh: null };
const request = async (path, init = {}) => {
  const headers = { "Content-Type": "application/json", ...(init.headers || {}) };
  if (session.access) headers.Authorization = `Bearer ${session.access}`;
  const res = await fetch(`${api}${path}`, { ...init, headers });
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  return res.json();
};
export async function signIn(email, password) {
  const { access, refresh } = await request("/auth/login/", {
    method: "POST",
    body: JSON.stringify({ email, password }),
  });
  Object.assign(session, { access, refresh });
}
export const renew = () =>
  request("/auth/refresh/", { method: "POST", body: JSON.stringify({ refresh: session.refresh }) }).then(
    ({ access }) => (session.access = access),
  );
export const profile = () => request("/auth/profile/");
document.getElementById("sign-in")?.addEventListener("click", () => signIn("a@b.c", "x").then(profile));
