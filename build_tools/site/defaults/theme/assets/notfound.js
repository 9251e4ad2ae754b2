// The 404 page's one script (inline in 404.html, allowed by its hash: build_tools/site/notfound.py). The page is
// served at any missing address; on a site without site_url its links start from "/", which is not the root of a
// project site (https://example.github.io/<project>/…). The root is the deepest folder of the address that holds
// the site's 404.html: each folder is asked, deepest first (one small request per level), and the page's links
// and search form are pointed there.
(async () => {
  const folders = location.pathname.split("/").slice(0, -1);
  for (let depth = folders.length; depth >= 1; depth -= 1) {
    const root = folders.slice(0, depth).join("/") + "/";
    try {
      const response = await fetch(root + "404.html", { method: "HEAD", cache: "no-store" });
      if (!response.ok) continue;
    } catch (error) {
      continue;
    }
    for (const link of document.querySelectorAll("[data-pp-path]")) {
      link.setAttribute(link.tagName === "FORM" ? "action" : "href", root + link.dataset.ppPath);
    }
    document.documentElement.dataset.ppRoot = root;
    return;
  }
})();
