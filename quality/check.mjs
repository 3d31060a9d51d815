// Checks the running reader's site with tools we did not write, and fails
// (exit status 1) when a bar is missed:
//   - the Nu Html Checker (vnu-jar, run with Java): 0 errors on every page
//     type, in English and Urdu;
//   - Lighthouse 12 (mobile, Debian's Chromium): at least 95 in performance,
//     accessibility, best practices and SEO for the home page, the article
//     with the long discussion and an Urdu article;
//   - axe-core driven by playwright-core (Debian's Chromium): no serious or
//     critical violation on those pages, in light and dark colour schemes.
//
// Usage: node check.mjs BASE_URL LONG_DISCUSSION_SLUG OUT_DIR
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const [base, longSlug, outDir] = process.argv.slice(2);
if (!base || !longSlug || !outDir) {
  console.error("usage: node check.mjs BASE_URL LONG_DISCUSSION_SLUG OUT_DIR");
  process.exit(2);
}
const chromePath = process.env.CHROME_PATH || "/usr/bin/chromium";
const minScore = 0.95;
const maxPageBytes = 100 * 1024;
fs.mkdirSync(outDir, { recursive: true });
const failures = [];

async function fetchText(url) {
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, text: await res.text() };
}

function firstLink(html, prefix) {
  const m = html.match(new RegExp(`href="(${prefix}[^"#?]+)"`));
  return m ? m[1] : null;
}

// discoverPages finds one URL of every page type from the home page, so the
// check follows the site as it is rather than a list of slugs.
async function discoverPages() {
  const home = await fetchText(base + "/");
  if (home.status !== 200) throw new Error(`home page answered ${home.status}`);
  const pages = { home: "/" };
  const articles = [...new Set([...home.text.matchAll(/href="(\/articles\/[^"#?\/]+)"/g)].map((m) => m[1]))];
  for (const a of articles) {
    const page = await fetchText(base + a);
    if (/<html lang="ur"/.test(page.text)) {
      pages["article-ur"] ??= a;
    } else {
      pages["article-en"] ??= a;
    }
  }
  if (!pages["article-ur"]) throw new Error("no Urdu article is linked from the home page");
  pages["article-long"] = `/articles/${longSlug}`;
  const long = await fetchText(base + pages["article-long"]);
  const commentID = long.text.match(/id="comment-(\d+)"/);
  if (commentID) pages["comment-report"] = `${pages["article-long"]}/comments/${commentID[1]}/report`;
  for (const [kind, prefix] of [["category", "/categories/"], ["tag", "/tags/"], ["author", "/authors/"]]) {
    for (const src of [home.text, long.text]) {
      const link = firstLink(src, prefix);
      if (link) { pages[kind] ??= link; }
    }
  }
  const ur = await fetchText(base + pages["article-ur"]);
  for (const [kind, prefix] of [["category-ur", "/categories/"], ["author-ur", "/authors/"], ["tag-ur", "/tags/"]]) {
    const link = firstLink(ur.text, prefix);
    if (link) pages[kind] = link;
  }
  const older = home.text.match(/href="(\/\?before=[^"#]+)"/);
  if (older) pages["home-older"] = older[1].replaceAll("&amp;", "&");
  pages.archive = "/archive";
  const archive = await fetchText(base + "/archive");
  const month = firstLink(archive.text, "/archive/");
  if (month) pages["archive-month"] = month;
  pages.privacy = "/comments/privacy";
  pages.corrections = "/corrections";
  pages["not-found"] = "/no-such-page";
  // Search arrives with its own issue; check it whenever the site has it.
  const search = await fetchText(base + "/search?q=" + encodeURIComponent("council"));
  if (search.status === 200) {
    pages.search = "/search?q=" + encodeURIComponent("council");
    pages["search-ur"] = "/search?q=" + encodeURIComponent("خبر");
    pages["search-empty"] = "/search?q=" + encodeURIComponent("zzqqxxnothing");
  }
  return pages;
}

function runVnu(pages) {
  const dir = path.join(outDir, "html");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return Promise.all(Object.entries(pages).map(async ([kind, url]) => {
    const page = await fetchText(base + url);
    fs.writeFileSync(path.join(dir, `${kind}.html`), page.text);
  })).then(() => {
    const jar = path.join(path.dirname(require.resolve("vnu-jar/package.json")), "build", "dist", "vnu.jar");
    const res = spawnSync("java", ["-jar", jar, "--errors-only", "--format", "json", "--stdout", dir], { encoding: "utf8", maxBuffer: 64 << 20 });
    if (res.error) throw res.error;
    const messages = JSON.parse(res.stdout || "{}").messages || [];
    const errors = messages.filter((m) => m.type === "error" || m.subType === "fatal");
    console.log(`\n== Nu Html Checker: ${Object.keys(pages).length} pages, ${errors.length} errors`);
    for (const e of errors) {
      const file = path.basename(decodeURIComponent((e.url || "").replace(/^file:/, "")));
      console.log(`  ${file}:${e.lastLine}:${e.firstColumn ?? e.lastColumn}: ${e.message}`);
    }
    if (errors.length > 0) failures.push(`vnu: ${errors.length} errors`);
  });
}

function runLighthouse(name, url) {
  const report = path.join(outDir, `lighthouse-${name}.json`);
  const bin = path.join(path.dirname(require.resolve("lighthouse/package.json")), "cli", "index.js");
  const run = () => spawnSync(process.execPath, [bin, base + url,
    "--quiet", "--output=json", `--output-path=${report}`,
    "--only-categories=performance,accessibility,best-practices,seo",
    `--chrome-path=${chromePath}`, "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
  { encoding: "utf8", env: { ...process.env, CHROME_PATH: chromePath } });
  // Lighthouse sometimes fails to record a trace at all (NO_NAVSTART, its
  // "please run Lighthouse again"): that is tried again, up to three times;
  // a low score never is.
  let res = run();
  for (let attempt = 2; res.status !== 0 && attempt <= 3; attempt++) {
    console.log(`  ${name.padEnd(14)} Lighthouse failed to run (${res.stderr.trim().split("\n").pop()}); attempt ${attempt}`);
    res = run();
  }
  if (res.status !== 0) {
    failures.push(`lighthouse ${name}: exit ${res.status}: ${res.stderr.slice(-500)}`);
    return;
  }
  const lhr = JSON.parse(fs.readFileSync(report, "utf8"));
  // Page weight: what a first visit transfers, images aside (the issue's
  // bar is 100 KB), with the Nastaliq face counted apart: it is fetched
  // once, only on systems without a Nastaliq face of their own.
  const requests = lhr.audits["network-requests"].details.items;
  const sum = (pred) => requests.filter(pred).reduce((n, r) => n + (r.transferSize || 0), 0);
  const fonts = sum((r) => r.resourceType === "Font");
  const page = sum((r) => r.resourceType !== "Image" && r.resourceType !== "Font" && r.resourceType !== "EventSource");
  console.log(`  ${name.padEnd(14)} transferred: ${(page / 1024).toFixed(1)} kB page (HTML, CSS, scripts), ${(fonts / 1024).toFixed(1)} kB fonts, images aside`);
  if (page > maxPageBytes) failures.push(`weight ${name}: ${(page / 1024).toFixed(1)} kB > ${maxPageBytes / 1024} kB`);
  const scores = Object.fromEntries(Object.entries(lhr.categories).map(([k, v]) => [k, v.score]));
  console.log(`  ${name.padEnd(14)} ${Object.entries(scores).map(([k, v]) => `${k} ${Math.round(v * 100)}`).join("  ")}`);
  for (const [k, v] of Object.entries(scores)) {
    if (v === null || v < minScore) {
      failures.push(`lighthouse ${name}: ${k} ${v === null ? "not scored" : Math.round(v * 100)} < ${minScore * 100}`);
      const cat = lhr.categories[k];
      for (const ref of cat.auditRefs) {
        const a = lhr.audits[ref.id];
        if (ref.weight > 0 && a.score !== null && a.score < 1) console.log(`      ${k}: ${a.id} (${a.score}): ${a.title}`);
      }
    }
  }
}

async function runAxe(browser, name, url) {
  const source = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  for (const colorScheme of ["light", "dark"]) {
    for (const viewport of [{ width: 360, height: 740 }, { width: 1280, height: 900 }]) {
      // The site's CSP forbids injected scripts, rightly; the checker's own
      // script is let in by bypassing it in this test browser only.
      const ctx = await browser.newContext({ bypassCSP: true, colorScheme, viewport });
      const page = await ctx.newPage();
      await page.goto(base + url, { waitUntil: "load" });
      await page.addScriptTag({ content: source });
      const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ["violations"] }));
      const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
      const label = `${name} ${colorScheme} ${viewport.width}px`;
      console.log(`  ${label.padEnd(28)} ${bad.length} serious/critical, ${result.violations.length - bad.length} lesser`);
      for (const v of bad) {
        console.log(`      ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes, e.g. ${v.nodes[0]?.target})`);
        failures.push(`axe ${label}: ${v.id}`);
      }
      await ctx.close();
    }
  }
}

const pages = await discoverPages();
console.log("== pages checked");
for (const [kind, url] of Object.entries(pages)) console.log(`  ${kind.padEnd(14)} ${url}`);
await runVnu(pages);

const key = { home: pages.home, "long-article": pages["article-long"], "urdu-article": pages["article-ur"] };
console.log(`\n== Lighthouse (mobile), bar ${minScore * 100}`);
for (const [name, url] of Object.entries(key)) runLighthouse(name, url);

console.log("\n== axe-core");
const browser = await chromium.launch({ executablePath: chromePath, args: ["--no-sandbox"] });
try {
  for (const [name, url] of Object.entries(key)) await runAxe(browser, name, url);
} finally {
  await browser.close();
}

if (failures.length > 0) {
  console.log(`\nFAILED (${failures.length}):`);
  for (const f of failures) console.log("  " + f);
  process.exit(1);
}
console.log("\nAll site checks passed.");
