// The font-size control (适老化: 标准 / 大 / 特大; partials/policy-tools.html), remembered in the browser's
// storage under the site's scope (material-head.js). Loaded in the head: the size chosen on another page is
// set on <html> before the first paint (assets/a11y.css scales the root size); the buttons are wired by
// delegation, so nothing waits for them.
{
  const SIZES = ["standard", "large", "xlarge"];
  const KEY = "policy.fontsize";
  const root = document.documentElement;

  const show = (size) => {
    for (const button of document.querySelectorAll("[data-pp-size]")) {
      button.setAttribute("aria-pressed", String(button.dataset.ppSize === size));
    }
  };
  const apply = (size) => {
    if (size === "standard") delete root.dataset.ppSize;
    else root.dataset.ppSize = size;
    show(size);
  };

  let stored = null;
  try {
    stored = __md_get(KEY);
  } catch (error) {
    // storage refused (private browsing) or a value not written by us: the standard size
  }
  const initial = SIZES.includes(stored) ? stored : "standard";
  apply(initial);
  document.addEventListener("DOMContentLoaded", () => show(root.dataset.ppSize || "standard"));
  document.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("[data-pp-size]") : null;
    if (!button || !SIZES.includes(button.dataset.ppSize)) return;
    apply(button.dataset.ppSize);
    __md_set(KEY, button.dataset.ppSize);
  });
}
