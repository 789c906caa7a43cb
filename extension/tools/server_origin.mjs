// The server an extension build is made for: its origin, and the origins the manifest grants
// (a loopback server is reached as 127.0.0.1 or localhost, so both are granted).

/** "http://127.0.0.1:5211/" → {server: "http://127.0.0.1:5211", origins: [127.0.0.1, localhost]} */
export function serverOrigins(raw) {
  let url;
  try {
    url = new URL(String(raw).trim());
  } catch {
    throw new Error(`The server for the extension build is not a URL: ${JSON.stringify(raw)}`);
  }
  if (!["http:", "https:"].includes(url.protocol) || url.username || url.password ||
      url.pathname !== "/" || url.search || url.hash) {
    throw new Error(`The server for the extension build must be an http(s) origin without a path: ${raw}`);
  }
  const server = url.origin;
  const origins = [server];
  const port = url.port ? `:${url.port}` : "";
  if (url.hostname === "127.0.0.1") origins.push(`${url.protocol}//localhost${port}`);
  if (url.hostname === "localhost") origins.push(`${url.protocol}//127.0.0.1${port}`);
  return { server, origins };
}
