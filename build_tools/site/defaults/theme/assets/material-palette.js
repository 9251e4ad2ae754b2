// Material's palette script (mkdocs-material 9.8, partials/javascripts/palette.html), as a file for the site's
// Content-Security-Policy: the colour scheme a visitor chose with the palette toggle is applied again.
{
  const palette = __md_get("__palette");
  if (palette && palette.color) {
    if (palette.color.media === "(prefers-color-scheme)") {
      const light = matchMedia("(prefers-color-scheme: light)").matches;
      const input = document.querySelector(`[data-md-color-media='(prefers-color-scheme: ${light ? "light" : "dark"})']`);
      for (const key of ["media", "scheme", "primary", "accent"]) {
        palette.color[key] = input.getAttribute(`data-md-color-${key}`);
      }
    }
    for (const [key, value] of Object.entries(palette.color)) {
      document.body.setAttribute(`data-md-color-${key}`, value);
    }
  }
}
