// Tailwind CSS v4 runs as a single PostCSS plugin; it finds class names in your
// source files automatically, so there is no tailwind.config.js to maintain.
const config = {
  plugins: {
    "@tailwindcss/postcss": {},
  },
};

export default config;
