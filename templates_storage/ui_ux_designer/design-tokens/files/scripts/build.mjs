// Builds every platform of every theme into dist/. Run with `npm run build`.
import { rm } from "node:fs/promises";

import { BUILD_PATH, StyleDictionary, {% if dark_mode %}darkConfig, {% endif %}lightConfig } from "../style-dictionary.config.mjs";

await rm(BUILD_PATH, { recursive: true, force: true });

const themes = [["light", lightConfig]{% if dark_mode %}, ["dark", darkConfig]{% endif %}];

for (const [name, config] of themes) {
  // A broken reference ({color.brand.primry}) throws here and fails the build.
  const sd = new StyleDictionary(config);
  await sd.buildAllPlatforms();
  console.log(`✔ ${name} theme built into ${BUILD_PATH}`);
}
