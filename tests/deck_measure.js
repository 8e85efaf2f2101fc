// Lays out Marp HTML decks in a headless Chromium (1280x720) and reports, per slide:
// the lowest content edge and the footer's top (overflow), the computed font size of
// every visible piece of text by kind (body, table, footer), the rendered size of every
// picture, and every pair of overlapping boxes. Used by tests/test_deck_legibility.py.
const puppeteer = require(process.env.PUPPETEER);
(async () => {
  const browser = await puppeteer.launch({executablePath: process.env.BROWSER,
    args: ['--no-sandbox', '--allow-file-access-from-files']});
  const page = await browser.newPage();
  await page.setViewport({width: 1280, height: 720});
  const out = {};
  for (const file of process.argv.slice(2)) {
    await page.goto('file://' + file, {waitUntil: 'networkidle0'});
    out[file] = await page.evaluate(() => [...document.querySelectorAll('section[id]')].map(s => {
      const box = s.getBoundingClientRect(), scale = box.width / 1280;
      const rel = r => ({left: (r.left - box.left) / scale, top: (r.top - box.top) / scale,
                         right: (r.right - box.left) / scale, bottom: (r.bottom - box.top) / scale});
      const footer = s.querySelector('footer');
      const limit = footer ? rel(footer.getBoundingClientRect()).top : 720;
      let bottom = 0, right = 0, top = 720;
      for (const el of s.querySelectorAll('p, li, h1, h2, h3, h4, h5, h6, img, tr, pre')) {
        if (el.closest('footer, header')) continue;
        const r = el.getBoundingClientRect();
        if (!r.width && !r.height) continue;
        const b = rel(r);
        bottom = Math.max(bottom, b.bottom); right = Math.max(right, b.right);
        top = Math.min(top, b.top);
      }
      // Every visible run of text, with the font size it is drawn at (in slide px).
      const texts = [];
      const walker = document.createTreeWalker(s, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent.trim();
        if (!text) continue;
        const el = node.parentElement, style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const range = document.createRange(); range.selectNodeContents(node);
        if (![...range.getClientRects()].some(r => r.width > 0 && r.height > 0)) continue;
        const kind = el.closest('footer, header') ? 'footer' : el.closest('table') ? 'table' : 'body';
        // Cut off: drawn outside the slide, or outside an ancestor that hides overflow.
        let clipped = false;
        const rects = [...range.getClientRects()].map(rel);
        for (const r of rects) if (r.left < -1 || r.top < -1 || r.right > 1281 || r.bottom > 721) clipped = true;
        for (let a = el; a && a !== s.parentElement; a = a.parentElement) {
          const o = getComputedStyle(a);
          if (o.overflowX === 'visible' && o.overflowY === 'visible') continue;
          const c = rel(a.getBoundingClientRect());
          for (const r of rects) if (r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1) clipped = true;
        }
        texts.push({kind, size: parseFloat(style.fontSize), clipped, text: text.slice(0, 60)});
      }
      // The page number (drawn by the theme as section::after).
      const after = getComputedStyle(s, '::after');
      if (after.content && after.content !== 'none' && after.display !== 'none') {
        texts.push({kind: 'footer', size: parseFloat(after.fontSize), text: 'page number'});
      }
      const images = [...s.querySelectorAll('img')].map(img => {
        const b = rel(img.getBoundingClientRect());
        return {src: img.getAttribute('src'), width: b.right - b.left, height: b.bottom - b.top};
      });
      // Boxes that must not overlap: the slide's blocks, the footer and the header.
      const blocks = [...s.children].filter(el => {
        const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0;
      }).map(el => ({name: el.tagName.toLowerCase() + ':' + el.textContent.trim().slice(0, 30),
                     ...rel(el.getBoundingClientRect())}));
      const overlaps = [];
      for (let i = 0; i < blocks.length; i++) for (let j = i + 1; j < blocks.length; j++) {
        const a = blocks[i], c = blocks[j];
        const w = Math.min(a.right, c.right) - Math.max(a.left, c.left);
        const h = Math.min(a.bottom, c.bottom) - Math.max(a.top, c.top);
        if (w > 1 && h > 1) overlaps.push([a.name, c.name]);
      }
      // The footer's lines of text, and the page number's box as the theme places it
      // (a pseudo-element has no box of its own to ask for).
      const footerLines = [];
      if (footer) {
        const range = document.createRange(); range.selectNodeContents(footer);
        for (const r of range.getClientRects()) if (r.width > 0) footerLines.push(rel(r));
      }
      let pageNumber = null;
      if (after.content && after.content !== 'none' && after.position === 'absolute') {
        const px = v => parseFloat(v) || 0, size = px(after.fontSize);
        const lineHeight = after.lineHeight === 'normal' ? 1.2 * size : px(after.lineHeight);
        const right = 1280 - px(after.right), bottom = 720 - px(after.bottom);
        pageNumber = {left: right - px(after.paddingLeft) - px(after.paddingRight) - 2 * 0.6 * size,
                      right, bottom,
                      top: bottom - px(after.paddingTop) - px(after.paddingBottom) - lineHeight};
      }
      return {bottom, right, top, limit, texts, images, overlaps, footerLines, pageNumber};
    }));
  }
  console.log(JSON.stringify(out));
  await browser.close();
})();
