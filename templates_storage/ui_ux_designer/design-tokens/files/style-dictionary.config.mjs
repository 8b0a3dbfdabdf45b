// Style Dictionary configuration for {{ brand_name }} design tokens.
//
// Two builds share the primitive and theme-independent tokens:
//   light: every token, written as the :root defaults;
//   dark:  only the semantic colours of tokens/semantic/dark.tokens.json, written as overrides.
import StyleDictionary from "style-dictionary";
import { fileHeader, formattedVariables, outputReferencesTransformed } from "style-dictionary/utils";

export const PREFIX = "{{ css_prefix }}";
export const BUILD_PATH = "dist/";

export const SHARED_SOURCES = ["tokens/primitive/**/*.tokens.json", "tokens/semantic/text.tokens.json"];
export const THEME_SOURCES = {
  light: [...SHARED_SOURCES, "tokens/semantic/light.tokens.json"],
{%- if dark_mode %}
  dark: [...SHARED_SOURCES, "tokens/semantic/dark.tokens.json"],
{%- endif %}
};

// Values become CSS strings in JavaScript too, so they can be used in CSS-in-JS and inline styles.
const JS_TRANSFORMS = [
  "attribute/cti",
  "name/camel",
  "size/rem",
  "color/css",
  "fontFamily/css",
  "cubicBezier/css",
  "shadow/css/shorthand",
  "typography/css/shorthand",
];

// Keep references (var(--...), $...) where the value is a plain alias; write resolved values
// where a transform changed the value (composite shadows and text styles).
const outputReferences = outputReferencesTransformed;
{%- if dark_mode %}

// Dark overrides: one block for an explicit data-theme="dark" and one for the OS preference
// (unless the page pins data-theme="light"). Values are resolved, so the file stands alone.
StyleDictionary.registerFormat({
  name: "css/variables-dark",
  format: async ({ dictionary, file, options }) => {
    const variables = (indentation) =>
      formattedVariables({
        format: "css",
        dictionary,
        outputReferences: false,
        usesDtcg: options.usesDtcg,
        formatting: { indentation },
      });
    return [
      await fileHeader({ file }),
      `[data-theme="dark"] {\n${variables("  ")}\n}\n`,
      `@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) {\n${variables("    ")}\n  }\n}\n`,
    ].join("\n");
  },
});
{%- endif %}

/** @type {import("style-dictionary/types").Config} */
export const lightConfig = {
  source: THEME_SOURCES.light,
  platforms: {
{%- if outputs contains 'css' %}
    css: {
      transformGroup: "css",
      prefix: PREFIX,
      buildPath: `${BUILD_PATH}css/`,
      files: [{ destination: "variables.css", format: "css/variables", options: { outputReferences } }],
    },
{%- endif %}
{%- if outputs contains 'scss' %}
    scss: {
      transformGroup: "scss",
      prefix: PREFIX,
      buildPath: `${BUILD_PATH}scss/`,
      files: [{ destination: "_variables.scss", format: "scss/variables", options: { outputReferences } }],
    },
{%- endif %}
{%- if outputs contains 'js' %}
    js: {
      transforms: JS_TRANSFORMS,
      buildPath: `${BUILD_PATH}js/`,
      files: [
        { destination: "tokens.js", format: "javascript/es6" },
        { destination: "tokens.d.ts", format: "typescript/es6-declarations" },
      ],
    },
{%- endif %}
{%- if outputs contains 'json' %}
    json: {
      transforms: JS_TRANSFORMS,
      buildPath: `${BUILD_PATH}json/`,
      files: [{ destination: "tokens.json", format: "json/nested" }],
    },
{%- endif %}
  },
};
{%- if dark_mode %}

// Tokens from `include` resolve references but are not output; only dark.tokens.json is (isSource).
const onlyDarkTokens = (token) => token.isSource;

/** @type {import("style-dictionary/types").Config} */
export const darkConfig = {
  include: SHARED_SOURCES,
  source: ["tokens/semantic/dark.tokens.json"],
  platforms: {
{%- if outputs contains 'css' %}
    css: {
      transformGroup: "css",
      prefix: PREFIX,
      buildPath: `${BUILD_PATH}css/`,
      files: [{ destination: "theme-dark.css", format: "css/variables-dark", filter: onlyDarkTokens }],
    },
{%- endif %}
{%- if outputs contains 'scss' %}
    scss: {
      transformGroup: "scss",
      prefix: PREFIX,
      buildPath: `${BUILD_PATH}scss/`,
      files: [{ destination: "_theme-dark.scss", format: "scss/variables", filter: onlyDarkTokens }],
    },
{%- endif %}
{%- if outputs contains 'js' %}
    js: {
      transforms: JS_TRANSFORMS,
      buildPath: `${BUILD_PATH}js/`,
      files: [
        { destination: "tokens.dark.js", format: "javascript/es6", filter: onlyDarkTokens },
        { destination: "tokens.dark.d.ts", format: "typescript/es6-declarations", filter: onlyDarkTokens },
      ],
    },
{%- endif %}
{%- if outputs contains 'json' %}
    json: {
      transforms: JS_TRANSFORMS,
      buildPath: `${BUILD_PATH}json/`,
      files: [{ destination: "tokens.dark.json", format: "json/nested", filter: onlyDarkTokens }],
    },
{%- endif %}
  },
};
{%- endif %}

export { StyleDictionary };
