import "@testing-library/jest-dom/vitest";

import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

// Unmount rendered trees between tests (automatic only with Vitest globals enabled).
afterEach(() => {
  cleanup();
});
