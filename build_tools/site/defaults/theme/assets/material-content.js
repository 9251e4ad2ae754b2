// Material's script after the content (mkdocs-material 9.8, partials/javascripts/content.html), as a file for the
// site's Content-Security-Policy: with the feature content.tabs.link (data-md-tabs-link), the content tabs chosen
// on other pages are opened; a content tab named by the URL's #fragment is opened.
{
  const tabs = "mdTabsLink" in document.currentScript.dataset ? __md_get("__tabs") : null;
  if (Array.isArray(tabs)) {
    sets: for (const set of document.querySelectorAll(".tabbed-set")) {
      const labels = set.querySelector(".tabbed-labels");
      for (const tab of tabs) {
        for (const label of labels.getElementsByTagName("label")) {
          if (label.innerText.trim() === tab) {
            document.getElementById(label.htmlFor).checked = true;
            continue sets;
          }
        }
      }
    }
  }
  const target = document.getElementById(location.hash.slice(1));
  if (target && target.name) {
    target.checked = target.name.startsWith("__tabbed_");
  }
}
