// Material's first script (mkdocs-material 9.8, partials/javascripts/base.html), as a file: the site's
// Content-Security-Policy allows no inline script. Its other scripts use these four globals: the site's
// scope (data-md-scope: base_url, or extra.scope) and settings kept in the browser's storage under it.
window.__md_scope = new URL(document.currentScript.dataset.mdScope, location);
window.__md_hash = (text) => [...text].reduce((hash, char) => (hash << 5) - hash + char.charCodeAt(0), 0);
window.__md_get = (key, storage = localStorage, scope = __md_scope) => JSON.parse(storage.getItem(scope.pathname + "." + key));
window.__md_set = (key, value, storage = localStorage, scope = __md_scope) => {
  try {
    storage.setItem(scope.pathname + "." + key, JSON.stringify(value));
  } catch (error) {
    // storage full or refused (private browsing): the setting is not kept, as in Material
  }
};
