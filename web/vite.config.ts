import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The build is checked in and served by `hub serve` at `/` (hub/http/web_app.py): hashed file names
// under assets/ are cached for a year, index.html is revalidated on every load.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../hub/static/app",
    emptyOutDir: true,
    assetsDir: "assets",
    // Fonts are files, never data: URLs, so the CSP needs no `data:` for them.
    assetsInlineLimit: 0,
  },
  server: { proxy: { "/graphql": "http://127.0.0.1:8000" } },
});
