// Journeys through the site in a real Chromium, run by tests/integration/browser.rs.
//
// The Rust side starts the real server on a fresh data directory for each journey, prepares the
// accounts it needs and passes everything through the environment:
//   NIAZ_BASE     the server's base URL
//   NIAZ_DATA     its data directory (mail is written to files under mail/)
//   NIAZ_SUITE    where playwright-core, axe-core and vnu-jar are installed and output goes
//   NIAZ_JOURNEY  which journey; NIAZ_LANG fa | en
//   NIAZ_FIXTURE  JSON with accounts and ids the journey needs
// Every page a journey looks at is checked: its language and direction, axe-core (no violation of
// moderate impact or worse), no console error (a CSP refusal is one), and its HTML is saved for the
// Nu HTML Checker, which the Rust side runs once over all of them.
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";
import assert from "node:assert/strict";

const env = (name) => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const BASE = env("NIAZ_BASE");
const DATA = env("NIAZ_DATA");
const SUITE = env("NIAZ_SUITE");
const JOURNEY = env("NIAZ_JOURNEY");
const LANG = env("NIAZ_LANG");
const FIXTURE = JSON.parse(process.env.NIAZ_FIXTURE || "{}");
const require = createRequire(path.join(SUITE, "package.json"));
const { chromium } = require("playwright-core");
const AXE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

const HTML_DIR = path.join(SUITE, "html");
const SHOTS_DIR = path.join(SUITE, "screenshots");
fs.mkdirSync(HTML_DIR, { recursive: true });
fs.mkdirSync(SHOTS_DIR, { recursive: true });

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1366, height: 900 };
const fa = LANG === "fa";
const problems = [];
const pages = [];
let checked = 0;

async function launch() {
  return chromium.launch({
    executablePath: process.env.NIAZ_CHROMIUM || "/usr/bin/chromium",
    headless: true,
    // A closed network refuses Chromium's own background connections; keep it from trying.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** A fresh profile at a given size, in the journey's language, that records what goes wrong. */
async function open(browser, viewport = DESKTOP) {
  const context = await browser.newContext({
    viewport,
    locale: fa ? "fa-IR" : "en-US",
    hasTouch: viewport === PHONE,
    isMobile: viewport === PHONE,
  });
  const page = await context.newPage();
  pages.push(page);
  page.setDefaultTimeout(15000);
  page.lastDocument = null;
  page.on("response", (response) => {
    const request = response.request();
    if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
      page.lastDocument = response;
    }
  });
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    // A form sent back with its errors answers 400 by design; only the page itself may.
    const own = message.location().url === page.url();
    if (own && message.text().startsWith("Failed to load resource")) return;
    problems.push(`console error on ${page.url()}: ${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`script error on ${page.url()}: ${error.message}`));
  if (!fa) {
    // English is chosen once, as a visitor would from the language link; it must stay chosen.
    await page.goto(`${BASE}/?lang=en`);
  }
  return page;
}

async function go(page, pathname) {
  const response = await page.goto(BASE + pathname);
  assert.ok(response.status() < 400, `${pathname} answered ${response.status()}`);
  return response;
}

/** Checks the page now shown; `label` names it in reports and file names. */
async function check(page, label) {
  checked += 1;
  const where = `${label} (${page.url().replace(BASE, "")})`;
  const html = page.locator("html");
  assert.equal(await html.getAttribute("lang"), LANG, `${where}: html lang`);
  assert.equal(await html.getAttribute("dir"), fa ? "rtl" : "ltr", `${where}: html dir`);

  await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
    }));
  });
  for (const v of violations) {
    if (["moderate", "serious", "critical"].includes(v.impact)) {
      problems.push(`axe ${v.impact} ${v.id} on ${where}: ${v.help} — ${v.targets.join(", ")}`);
    }
  }

  const document = page.lastDocument;
  if (document && document.status() < 300) {
    const body = await document.text().catch(() => null);
    if (body !== null) {
      const name = `${JOURNEY}-${LANG}-${String(checked).padStart(2, "0")}-${label}.html`;
      fs.writeFileSync(path.join(HTML_DIR, name.replace(/[^a-z0-9.-]+/gi, "_")), body);
    }
  }
}

/**
 * Asserts that the text `code` (a part number, say) is shown left to right inside `container`:
 * each character's box lies to the right of the one before it.
 */
async function assertLeftToRight(page, container, code) {
  const order = await page.locator(container).first().evaluate((root, code) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const at = node.data.indexOf(code);
      if (at < 0) continue;
      const xs = [];
      for (let i = 0; i < code.length; i++) {
        const range = document.createRange();
        range.setStart(node, at + i);
        range.setEnd(node, at + i + 1);
        const box = range.getBoundingClientRect();
        xs.push([box.left, Math.round(box.top)]);
      }
      return xs;
    }
    return null;
  }, code);
  assert.ok(order, `${code} is not shown in ${container}`);
  // Characters on one line go left to right; a line may wrap (then the next line starts anew).
  for (let i = 1; i < order.length; i++) {
    if (order[i][1] !== order[i - 1][1]) continue;
    assert.ok(order[i][0] > order[i - 1][0], `${code} in ${container} is not shown left to right: ${order.join(" ")}`);
  }
}

async function screenshot(page, name) {
  await page.screenshot({ path: path.join(SHOTS_DIR, `${name}-${LANG}-${page.viewportSize().width}.png`), fullPage: true });
}

/** The newest mail to `to`, as text with quoted-printable soft breaks undone. */
function mailTo(to) {
  const dir = path.join(DATA, "mail");
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
  const mails = files
    .map((f) => ({ f, text: fs.readFileSync(f, "utf8"), at: fs.statSync(f).mtimeMs }))
    .filter((m) => m.text.includes(to))
    .sort((a, b) => b.at - a.at);
  assert.ok(mails.length > 0, `no mail to ${to} in ${dir}`);
  return mails[0].text.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
}

async function waitForMail(to) {
  for (let i = 0; i < 100; i++) {
    try {
      return mailTo(to);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return mailTo(to);
}

async function signIn(page, email, password) {
  await go(page, "/login");
  await check(page, "login");
  await page.fill("#f-email", email);
  await page.fill("#f-password", password);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/login'] button[type=submit]")]);
  assert.ok(!page.url().endsWith("/login"), `signing in as ${email} failed`);
}

/** Loads `pathname` until `locator` shows up (the search index catches up in the background). */
async function until(page, pathname, selector, text) {
  for (let i = 0; i < 60; i++) {
    await go(page, pathname);
    if ((await page.locator(selector, { hasText: text }).count()) > 0) return;
    await page.waitForTimeout(250);
  }
  assert.fail(`${text} never appeared in ${selector} at ${pathname}`);
}

/** Presses Tab until the element matching `selector` has the focus. */
async function tabTo(page, selector) {
  for (let i = 0; i < 120; i++) {
    const there = await page.evaluate((selector) => {
      const active = document.activeElement;
      return Array.from(document.querySelectorAll(selector)).some((el) => el === active);
    }, selector.replace(/:has-text\('([^']*)'\)/, ""));
    if (there && !(await hasTextMismatch(page, selector))) return;
    await page.keyboard.press("Tab");
  }
  assert.fail(`${selector} is not reachable with Tab on ${page.url()}`);
}

/** For `article:has-text('x') button`: whether the focused element lies outside such an article. */
async function hasTextMismatch(page, selector) {
  const match = selector.match(/^(.*?):has-text\('([^']*)'\)/);
  if (!match) return false;
  const [, container, text] = match;
  return page.evaluate(
    ([container, text]) => {
      const box = document.activeElement.closest(container);
      return !box || !box.textContent.includes(text);
    },
    [container, text],
  );
}

async function signInByKeyboard(page, email) {
  await go(page, "/login");
  await tabTo(page, "#f-email");
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(FIXTURE.password);
  await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
  assert.ok(!page.url().endsWith("/login"), `signing in as ${email} by keyboard failed`);
}

const journeys = {
  // A visitor searches with a messy spelling, narrows by a facet, opens a need; then on a phone.
  async visitor(browser) {
    const page = await open(browser);
    await go(page, "/");
    await check(page, "home");
    // Arabic yeh and kaf, as an Arabic keyboard types them.
    await page.fill("#header-q", "بلبرينك");
    await Promise.all([page.waitForNavigation(), page.press("#header-q", "Enter")]);
    assert.match(page.url(), /\/search\?/);
    await check(page, "search");
    const cards = page.locator("main article");
    assert.ok((await cards.count()) > 0, "the messy spelling finds nothing");
    await assertLeftToRight(page, "main", "6205-2RS");

    const facet = page.locator(".facets a[href*='category=']").first();
    await Promise.all([page.waitForNavigation(), facet.click()]);
    assert.match(page.url(), /category=/);
    await check(page, "search-facet");
    assert.ok((await cards.count()) > 0, "the facet leaves nothing");

    await Promise.all([page.waitForNavigation(), page.locator("main article h3 a").first().click()]);
    assert.match(page.url(), /\/needs\/\d+/);
    await check(page, "need");

    await go(page, `/needs/${FIXTURE.bearing}`);
    await assertLeftToRight(page, "main", "6205-2RS");
    await assertLeftToRight(page, "main", "8482.10.10");
    // Technical data labels in the page's language (a glossary translates them on English pages).
    const label = fa ? "قطر داخلی" : "Inner diameter";
    assert.ok(await page.locator("table th", { hasText: label }).first().isVisible(), `no "${label}"`);

    // One part posted by two firms is shown together, with their combined demand.
    await go(page, "/search?q=22220");
    await check(page, "search-same-part");
    assert.ok((await page.locator("article.same-part-next").count()) >= 1, "the same part is not grouped");
    assert.ok(await page.locator("p.same-part").first().isVisible());

    // A word the best needs lack does not hide them: they follow, below the full matches.
    await go(page, "/search?q=" + encodeURIComponent("پمپ هیدرولیک"));
    await check(page, "search-partial");
    assert.ok(await page.locator("#partial-heading").isVisible(), "no needs matching some of the words");
    assert.ok((await page.locator(".partial-results article").count()) > 0);

    // The catalogue's city filter.
    await go(page, "/needs?city=" + encodeURIComponent("مراغه"));
    await check(page, "needs-city");
    const places = await page.locator("main article .card-firm").allInnerTexts();
    assert.ok(places.length > 0, "no need in Maragheh");
    for (const place of places) assert.match(place, fa ? /مراغه/ : /Maragheh/);

    const phone = await open(browser, PHONE);
    await go(phone, "/search?q=" + encodeURIComponent("بلبرینگ"));
    await check(phone, "search-phone");
    const box = await phone.locator("#search-q").boundingBox();
    assert.ok(box.width > 200, `the query box is ${box.width}px wide on a phone`);
    const panel = phone.locator("details.filters-panel");
    assert.equal(await panel.getAttribute("open"), null, "filters start open on a phone");
    const phoneFacet = phone.locator(".facets a[href*='category=']").first();
    assert.ok(!(await phoneFacet.isVisible()), "facets are shown before the panel is opened");
    await phone.locator("details.filters-panel > summary").click();
    assert.ok(await phoneFacet.isVisible(), "the filters panel does not open");
    await Promise.all([phone.waitForNavigation(), phoneFacet.click()]);
    assert.match(phone.url(), /category=/);
  },

  // A buyer signs up, verifies by the mailed link, posts a need with a drawing, sees it pending.
  async buyer(browser) {
    const page = await open(browser);
    const email = `buyer-${LANG}@example.ir`;
    await go(page, "/signup");
    await check(page, "signup");
    await page.check("input[name=role][value=buyer]");
    await page.fill("#f-name", fa ? "مریم رضایی" : "Maryam Rezaei");
    await page.fill("#f-email", email);
    await page.fill("#f-password", "a long and careful passphrase 1405");
    await page.fill("#f-organization", fa ? "ریخته‌گری سهند" : "Sahand Foundry");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/signup'] button[type=submit]")]);
    await check(page, "signed-up");

    const mail = await waitForMail(email);
    const link = mail.match(/https?:\/\/\S+\/verify\?token=[A-Za-z0-9_-]+/);
    assert.ok(link, "the verification mail has no link");
    // The test server's public URL is not its port: follow the link's path on this server.
    const url = new URL(link[0]);
    await page.goto(BASE + url.pathname + url.search);
    await check(page, "verify");
    await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
    await check(page, "verified");

    await go(page, "/my/needs/new");
    await check(page, "need-form");
    await page.fill("#f-title", "پوسته پمپ گریز از مرکز 6206-2Z");
    await page.fill("#f-title_en", "Centrifugal pump casing");
    await page.fill("#f-description", "پوسته چدنی پمپ آب خنک‌کاری کوره؛ نقشه پیوست است.");
    await page.selectOption("#f-category", { index: 1 });
    await page.fill("#f-part_number", "PC-35-52-7");
    await page.fill("#f-quantity_per_year", fa ? "۱۲۰" : "120");
    await page.fill("#f-unit_price", "450");
    await page.selectOption("#f-currency", "USD");
    const deadline = fa ? "۱۴۰۶/۰۱/۱۵" : "2027-04-04";
    await page.fill("#f-deadline", deadline);
    await assertLeftToRight(page, "#h-deadline", "2026-09-22");
    await page.setInputFiles("#f-file", path.join(SUITE, "drawing.png"));
    await Promise.all([page.waitForNavigation(), page.click("button[name=action][value=submit]")]);
    await check(page, "need-submitted");
    await go(page, "/my/needs");
    await check(page, "my-needs");
    const row = page.locator("main", { hasText: "PC-35-52-7" });
    assert.ok((await row.count()) > 0, "the posted need is not listed");
    await assertLeftToRight(page, "main", "PC-35-52-7");
    if (fa) await assertLeftToRight(page, "main", "6206-2Z");
    const pending = fa ? "در انتظار بررسی" : "Awaiting review";
    assert.ok((await page.locator("main", { hasText: pending }).count()) > 0, "the need is not shown pending");
    await Promise.all([page.waitForNavigation(), page.locator("main a[href$='/edit']").first().click()]);
    await check(page, "need-edit");
    assert.ok((await page.locator("main", { hasText: "drawing.png" }).count()) > 0, "the drawing was not attached");
    assert.equal(await page.inputValue("#f-deadline"), deadline, "the deadline does not come back as typed");

    // The firm's profile: its city, which its needs then show and are found by.
    await go(page, "/my/firm");
    await check(page, "firm");
    await page.fill("#f-city", "تبریز");
    await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
    await check(page, "firm-saved");
    assert.ok(await page.locator("[role=status]").first().isVisible(), "saving the firm says nothing");
    assert.equal(await page.inputValue("#f-city"), "تبریز");
  },

  // An organizer reviews a pending need from the queue alone, approves it, finds it in search.
  async organizer(browser) {
    const page = await open(browser);
    await signIn(page, FIXTURE.organizer, FIXTURE.password);
    await go(page, "/admin/review");
    await check(page, "review");
    const item = page.locator("article.review-item", { hasText: "PX-4410" });
    assert.equal(await item.count(), 1, "the pending need is not in the queue");
    for (const text of ["PX-4410", fa ? "۲۴۰" : "240", fa ? "۹۸۰" : "980", "pump-drawing.png"]) {
      assert.ok((await item.locator(`text=${text}`).count()) > 0, `the queue does not show ${text}`);
    }
    await Promise.all([page.waitForNavigation(), item.locator("button[value=approve]").click()]);
    await check(page, "reviewed");
    await until(page, "/search?q=PX-4410", "main article", "PX-4410");
    await check(page, "search-approved");

    // The organizer adds a synonym group; searches use it at once.
    await go(page, "/admin/synonyms");
    await check(page, "synonyms");
    await page.fill("#f-synonyms", "پروانه پمپ, rotor blade wheel");
    await Promise.all([page.waitForNavigation(), page.click("main form button[type=submit]")]);
    await check(page, "synonyms-saved");
    assert.ok(await page.locator("[role=status]").first().isVisible(), "saving synonyms says nothing");
    await go(page, "/search?q=" + encodeURIComponent("rotor blade wheel"));
    assert.ok((await page.locator("main article", { hasText: "PX-4410" }).count()) > 0, "the new synonym finds nothing");
  },

  // An organizer imports the example spreadsheet and finds its needs.
  async import(browser) {
    const page = await open(browser);
    await signIn(page, FIXTURE.organizer, FIXTURE.password);
    await go(page, "/admin/import");
    await check(page, "import");
    await page.setInputFiles("input[type=file]", FIXTURE.spreadsheet);
    await Promise.all([page.waitForNavigation(), page.click("form[enctype] button[type=submit]")]);
    await check(page, "import-preview");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/admin/import/confirm'] button[type=submit]")]);
    await check(page, "imported");
    await until(page, "/search?q=" + encodeURIComponent(FIXTURE.imported_title), "main article", FIXTURE.imported_title);
    // Staff find an imported need by the reference of its row.
    await go(page, "/search?q=EX-002");
    await check(page, "search-reference");
    const reference = page.locator(".notice.reference a");
    assert.ok(await reference.isVisible(), "no need for the reference EX-002");
    assert.match(await reference.getAttribute("href"), /^\/my\/needs\/\d+\/edit$/);
  },

  // A form sent with invalid fields shows every error at its field, focuses the first, keeps the rest.
  async invalid(browser) {
    const page = await open(browser);
    await signIn(page, FIXTURE.buyer, FIXTURE.password);
    await go(page, "/my/needs/new");
    await page.fill("#f-title", "میل‌لنگ");
    await page.fill("#f-part_number", "CS-7731");
    await page.fill("#f-quantity_per_year", "دوازده");
    await page.fill("#f-unit_price", "-5");
    await page.fill("#f-hs_code", "12");
    await page.fill("#f-deadline", "2020-01-01");
    await Promise.all([page.waitForNavigation(), page.click("button[name=action][value=submit]")]);
    await check(page, "need-form-errors");
    const invalid = await page.locator("[aria-invalid=true]").evaluateAll((els) => els.map((e) => e.id));
    const hsHelp = await page.locator("#f-hs_code").getAttribute("aria-describedby");
    assert.ok(hsHelp.includes("h-hs_code"), "the HS code's help is not tied to it");
    for (const id of ["f-category", "f-quantity_per_year", "f-unit_price", "f-hs_code", "f-deadline"]) {
      assert.ok(invalid.includes(id), `${id} is not marked invalid (marked: ${invalid})`);
      const described = await page.locator(`#${id}`).getAttribute("aria-describedby");
      const error = page.locator(`#${id}`).locator("xpath=ancestor::*[contains(@class,'field')][1]").locator(".field-error");
      assert.equal(await error.count(), 1, `${id} has no error next to it`);
      assert.ok(described && described.includes(await error.getAttribute("id")), `${id} is not described by its error`);
    }
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
    assert.equal(focused, invalid[0], "the first invalid field is not focused");
    assert.equal(await page.inputValue("#f-title"), "میل‌لنگ");
    assert.equal(await page.inputValue("#f-part_number"), "CS-7731");
    assert.equal(await page.inputValue("#f-quantity_per_year"), "دوازده");
  },

  // Search, open a need, sign in, post a need and approve it with the keyboard alone.
  async keyboard(browser) {
    const page = await open(browser);
    await go(page, "/");
    await page.keyboard.press("Tab");
    const skip = await page.evaluate(() => document.activeElement.getAttribute("href"));
    assert.equal(skip, "#main", "the first Tab does not reach the skip link");
    await tabTo(page, "#header-q");
    await page.keyboard.type("بلبرینگ");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await check(page, "search-keyboard");
    await tabTo(page, "main article h3 a");
    const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
    assert.notEqual(outline, "none", "the focused link shows no focus indicator");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    assert.match(page.url(), /\/needs\/\d+/);

    await signInByKeyboard(page, FIXTURE.buyer);
    await go(page, "/my/needs/new");
    // Enter in a field keeps a draft; it never sends the need for review.
    await tabTo(page, "#f-title");
    await page.keyboard.type("شفت");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await check(page, "keyboard-draft");
    assert.ok((await page.locator("main", { hasText: fa ? "پیش‌نویس" : "Draft" }).count()) > 0);

    // A whole need, field after field, sent for review with the keyboard.
    await go(page, "/my/needs/new");
    await tabTo(page, "#f-title");
    await page.keyboard.type("چرخ‌دنده مارپیچ KB-2291");
    await tabTo(page, "#f-description");
    await page.keyboard.type("چرخ‌دنده برنزی گیربکس همزن");
    await tabTo(page, "#f-category");
    await page.keyboard.press("ArrowDown");
    await tabTo(page, "#f-part_number");
    await page.keyboard.type("KB-2291");
    await tabTo(page, "#f-quantity_per_year");
    await page.keyboard.type("60");
    await tabTo(page, "button[name=action][value=submit]");
    await Promise.all([page.waitForNavigation(), page.keyboard.press("Enter")]);
    await check(page, "keyboard-submitted");
    assert.ok((await page.locator("main", { hasText: "KB-2291" }).count()) > 0, "the need is not listed");

    // The organizer approves it from the queue, by keyboard too.
    const staff = await open(browser);
    await signInByKeyboard(staff, FIXTURE.organizer);
    await go(staff, "/admin/review");
    await tabTo(staff, "article.review-item:has-text('KB-2291') button[value=approve]");
    await Promise.all([staff.waitForNavigation(), staff.keyboard.press("Enter")]);
    await check(staff, "keyboard-approved");
    assert.equal(await staff.locator("article.review-item", { hasText: "KB-2291" }).count(), 0);
  },

  // The production desk: a firm files a case at night, the desk gives it to customs, the agency
  // asks for a document, the firm replies, the agency resolves it and the firm rates it; then the
  // public figures, on a phone too.
  async desk(browser) {
    const send = (page, form) =>
      Promise.all([page.waitForNavigation(), page.click(`${form} button[type=submit]`)]);
    const firm = await open(browser);
    await signIn(firm, FIXTURE.buyer, FIXTURE.password);
    await go(firm, "/desk");
    await check(firm, "desk");
    await firm.selectOption("#f-category", "customs");
    await firm.selectOption("#f-urgency", "stopped");
    await firm.fill("#f-subject", "ترخیص یاتاقان 6206-2Z");
    await firm.fill("#f-description", "محموله یاتاقان‌ها سه هفته است در گمرک مانده و خط نورد ایستاده است.");
    await firm.fill("#f-request", "ترخیص با ضمانت‌نامه");
    await firm.check("input[name=agencies][value=customs]");
    const bill = path.join(SUITE, "bill-of-lading.pdf");
    fs.writeFileSync(bill, "%PDF-1.4\n% bill of lading\n%%EOF\n");
    await firm.setInputFiles("#f-file", bill);
    await send(firm, "form[action^='/desk/cases?csrf=']");
    assert.match(firm.url(), /\/desk\/cases\/\d{4}-\d{5}\?done=case_filed/);
    await check(firm, "desk-filed");
    const number = firm.url().match(/(\d{4}-\d{5})/)[1];
    await assertLeftToRight(firm, ".notice", number);
    await assertLeftToRight(firm, "h1", "6206-2Z");
    assert.ok((await waitForMail(FIXTURE.buyer)).includes(number), "the number is not mailed");
    const url = `/desk/cases/${number}`;
    assert.ok((await firm.locator("a[href^='/desk/files/']", { hasText: "bill-of-lading.pdf" }).count()) > 0, "the document is not on the case");

    const staff = await open(browser);
    await signIn(staff, FIXTURE.organizer, FIXTURE.password);
    await go(staff, "/desk/cases?open=1");
    await check(staff, "desk-cases");
    await Promise.all([staff.waitForNavigation(), staff.click(`a[href='${url}']`)]);
    await staff.selectOption("form[action$='/assign'] select[name=agency]", "customs");
    await send(staff, "form[action$='/assign']");
    await check(staff, "desk-assigned");
    for (const [name, where] of [["desk-staff", "/desk"], ["desk-phone", "/desk/phone"], ["sessions", "/desk/sessions"]]) {
      await go(staff, where);
      await check(staff, name);
    }
    await staff.fill("#f-held_on", new Date().toISOString().slice(0, 10));
    await staff.fill("#f-title", "جلسه ۴۲ کارگروه");
    await send(staff, "form[action='/desk/sessions']");
    await check(staff, "session");
    await go(staff, new URL(staff.url()).pathname + "/minutes");
    await check(staff, "minutes");

    const agency = await open(browser);
    await signIn(agency, FIXTURE.agency, FIXTURE.password);
    await go(agency, "/desk/cases");
    await check(agency, "desk-agency-cases");
    assert.ok((await agency.locator(`a[href='${url}']`).count()) > 0, "customs does not see its case");
    await go(agency, url);
    await send(agency, "form[action$='/take']");
    await agency.selectOption("#f-status", "waiting_firm");
    await agency.fill("#f-note", "لطفاً بارنامه و پروانه سبز را بفرستید.");
    await send(agency, "form[action$='/status']");
    await check(agency, "desk-waiting");

    await go(firm, url);
    assert.ok((await firm.locator(".timeline", { hasText: "بارنامه و پروانه سبز" }).count()) > 0);
    await firm.fill("#f-body", "بارنامه پیوست شد.");
    await send(firm, "form[action$='/write']");
    await check(firm, "desk-replied");

    await go(agency, url);
    await agency.selectOption("#f-status", "resolved");
    await agency.fill("#f-note", "محموله با ضمانت‌نامه ترخیص شد.");
    await send(agency, "form[action$='/status']");

    await go(firm, url);
    await firm.check("input[name=rating][value='5']");
    await send(firm, "form[action$='/rate']");
    await check(firm, "desk-rated");
    assert.ok((await firm.locator(".timeline", { hasText: "ضمانت‌نامه ترخیص شد" }).count()) > 0);
    await screenshot(firm, "desk-case");
    await firm.setViewportSize(PHONE);
    await go(firm, url);
    await check(firm, "desk-case-phone");
    await screenshot(firm, "desk-case");

    for (const viewport of [DESKTOP, PHONE]) {
      const visitor = await open(browser, viewport);
      await go(visitor, "/desk/figures");
      await check(visitor, `desk-figures-${viewport.width}`);
      const resolved = await visitor.locator("#fig-resolved").getAttribute("data-value");
      assert.equal(resolved, "1", "the figures do not count the resolved case");
      await screenshot(visitor, "desk-figures");
    }
  },

  // Screenshots of the main pages at both widths, for a reviewer.
  // A maker fills in what it makes, finds the needs it could make, sees why, and offers.
  async maker(browser) {
    const page = await open(browser);
    await signIn(page, FIXTURE.maker, FIXTURE.password);
    await go(page, "/account/profile");
    await check(page, "profile");
    await page.check("input[name=processes][value=gear_cutting]");
    await page.check("input[name=processes][value=cnc_turning]");
    await page.fill("#f-materials", "فولاد آلیاژی");
    await page.fill("#f-machines", "هاب CNC");
    await page.fill("#f-city", "تبریز");
    await page.fill("#f-max_diameter_mm", "800");
    await Promise.all([page.waitForNavigation(), page.click("form[action='/account/profile'] button[type=submit]")]);
    // "Find work" in the header leads to the maker's own list.
    await Promise.all([page.waitForNavigation(), page.click("header a[href='/account/matches']")]);
    await until(page, "/account/matches", ".match-card h2 a", FIXTURE.gear_title);
    await check(page, "matches");
    assert.ok((await page.locator(".match-card .reason-ok").count()) > 0, "each match shows why");
    await Promise.all([
      page.waitForNavigation(),
      page.locator(".match-card h2 a", { hasText: FIXTURE.gear_title }).first().click(),
    ]);
    assert.ok((await page.locator(".verdict-yes").count()) === 1, "the need says it matches the profile");
    await Promise.all([page.waitForNavigation(), page.click("a[href$='/interest']")]);
    await check(page, "interest");
    await page.fill("#f-message", "چرخ‌دنده را با هاب CNC می‌سازیم.");
    await Promise.all([page.waitForNavigation(), page.click("main form:has(#f-message) button[type=submit]")]);
    assert.match(page.url(), /done=interest_sent/);
    await go(page, "/account/matches");
    assert.ok((await page.locator(".match-card .badge").count()) > 0, "the offered need is marked");
    await page.setViewportSize(PHONE);
    await go(page, "/account/matches");
    await check(page, "matches-phone");
    // On a phone the menu folds behind one tap: the header stays under a quarter of the screen.
    const header = await page.locator(".site-header").boundingBox();
    assert.ok(header.height <= PHONE.height / 4, `the phone header is ${header.height}px tall`);
    await page.click(".nav-menu > summary");
    assert.ok(await page.locator(".main-nav a[href='/account/matches']").isVisible(), "the menu opens");
    const box = await page.locator(".main-nav a[href='/account/matches']").boundingBox();
    assert.ok(box.height >= 44, `a menu link is ${box.height}px tall`);
  },

  // A file over the limit is named before anything is sent, and what was typed stays.
  async limits(browser) {
    const page = await open(browser);
    await signIn(page, FIXTURE.buyer, FIXTURE.password);
    await go(page, "/my/needs/new");
    await page.fill("#f-title", "پوسته پمپ بزرگ");
    await page.setInputFiles("#f-file", {
      name: "big-drawing.pdf",
      mimeType: "application/pdf",
      buffer: Buffer.alloc(FIXTURE.limit + 1),
    });
    const note = page.locator("#f-file-size");
    await note.waitFor({ state: "visible" });
    assert.match(await note.textContent(), /big-drawing\.pdf/);
    const before = page.url();
    await page.click(".form-actions button[name=action][value=draft]");
    await page.waitForTimeout(300);
    assert.equal(page.url(), before, "the browser does not send a file over the limit");
    assert.equal(await page.inputValue("#f-title"), "پوسته پمپ بزرگ", "what was typed stays");
    await check(page, "need-form-limit");
  },

  async screenshots(browser) {
    for (const viewport of [PHONE, DESKTOP]) {
      const page = await open(browser, viewport);
      await signIn(page, FIXTURE.organizer, FIXTURE.password);
      for (const [name, where] of [
        ["home", "/"],
        ["search", "/search?q=" + encodeURIComponent("بلبرینگ")],
        ["need", `/needs/${FIXTURE.bearing}`],
        ["need-form", "/my/needs/new"],
        ["review", "/admin/review"],
        ["dashboard", "/admin"],
      ]) {
        await go(page, where);
        await check(page, `${name}-${viewport.width}`);
        await screenshot(page, name);
      }
    }
  },
};

const journey = journeys[JOURNEY];
if (!journey) throw new Error(`no journey ${JOURNEY}`);
const browser = await launch();
try {
  await journey(browser);
} catch (error) {
  // What the browser showed when it went wrong, for whoever reads the failure.
  for (const [i, page] of pages.entries()) {
    const file = path.join(SUITE, `failed-${JOURNEY}-${LANG}-${i}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    console.error(`page ${i} was at ${page.url()}; screenshot: ${file}`);
  }
  throw error;
} finally {
  await browser.close();
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`${JOURNEY} (${LANG}): ${checked} pages checked`);
