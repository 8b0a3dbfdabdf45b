// WCAG 2.2 contrast check of the semantic colour pairs, for every theme.
// Run with `npm test`; exits non-zero when a pair is below its minimum ratio.
//   4.5:1  body text (SC 1.4.3, level AA)
//   3:1    user-interface components and focus indicators (SC 1.4.11)
import { StyleDictionary, THEME_SOURCES } from "../style-dictionary.config.mjs";

/** [foreground, background, minimum ratio] by token path. */
const PAIRS = [
  ["color.text.default", "color.bg.default", 4.5],
  ["color.text.default", "color.bg.subtle", 4.5],
  ["color.text.muted", "color.bg.default", 4.5],
  ["color.text.muted", "color.bg.subtle", 4.5],
  ["color.text.link", "color.bg.default", 4.5],
  ["color.text.inverse", "color.bg.inverse", 4.5],
  ["color.text.on-primary", "color.action.primary.default", 4.5],
  ["color.text.on-primary", "color.action.primary.hover", 4.5],
  ["color.text.on-primary", "color.action.primary.active", 4.5],
  ["color.text.default", "color.action.secondary.default", 4.5],
  ["color.feedback.danger.text", "color.feedback.danger.bg", 4.5],
  ["color.feedback.success.text", "color.feedback.success.bg", 4.5],
  ["color.feedback.warning.text", "color.feedback.warning.bg", 4.5],
  ["color.border.strong", "color.bg.default", 3],
  ["color.border.focus", "color.bg.default", 3],
];

const NAMED = { black: [0, 0, 0], white: [255, 255, 255] };

/** "#rrggbb", "black" or "white" → [r, g, b] in 0..255. */
function parseColor(text) {
  const value = text.trim().toLowerCase();
  if (NAMED[value]) return NAMED[value];
  const hex = /^#([0-9a-f]{6})$/.exec(value);
  if (!hex) return undefined;
  const n = Number.parseInt(hex[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** Resolves the literal colours the tokens use: hex, or color-mix(in srgb, A p%, B). */
function toRgb(value) {
  const direct = parseColor(value);
  if (direct) return direct;
  const mix = /^color-mix\(\s*in srgb\s*,\s*(\S+)\s+([\d.]+)%\s*,\s*(\S+?)\s*\)$/i.exec(value.trim());
  if (!mix) return undefined;
  const [a, b] = [parseColor(mix[1]), parseColor(mix[3])];
  if (!a || !b) return undefined;
  const p = Number(mix[2]) / 100;
  return a.map((channel, i) => Math.round(channel * p + b[i] * (1 - p)));
}

function luminance([r, g, b]) {
  const linear = (c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function contrast(fg, bg) {
  const [hi, lo] = [luminance(fg), luminance(bg)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

let failures = 0;
for (const [theme, source] of Object.entries(THEME_SOURCES)) {
  const sd = new StyleDictionary({
    source,
    platforms: { check: { transforms: ["color/hex"] } },
    log: { verbosity: "silent" },
  });
  const { allTokens } = await sd.getPlatformTokens("check");
  const values = new Map(allTokens.map((token) => [token.path.join("."), String(token.$value ?? token.value)]));

  console.log(`\n${theme} theme`);
  for (const [fgPath, bgPath, minimum] of PAIRS) {
    const [fgValue, bgValue] = [values.get(fgPath), values.get(bgPath)];
    const [fg, bg] = [fgValue && toRgb(fgValue), bgValue && toRgb(bgValue)];
    if (!fg || !bg) {
      failures++;
      console.log(`  ✘ ${fgPath} on ${bgPath}: cannot evaluate (${fgValue ?? "missing"} on ${bgValue ?? "missing"})`);
      continue;
    }
    const ratio = contrast(fg, bg);
    const ok = ratio >= minimum;
    if (!ok) failures++;
    console.log(`  ${ok ? "✔" : "✘"} ${ratio.toFixed(2)}:1 (min ${minimum}:1)  ${fgPath} on ${bgPath}`);
  }
}

if (failures > 0) {
  console.error(`\n${failures} colour pair(s) fail WCAG contrast. Adjust the tokens and run again.`);
  process.exit(1);
}
console.log("\nAll colour pairs meet their WCAG contrast minimum.");
