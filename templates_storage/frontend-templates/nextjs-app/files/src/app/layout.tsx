import type { Metadata, Viewport } from "next";

import "./globals.css";

const SITE_TITLE = {{ site_title | json }};
const SITE_URL = process.env.NEXT_PUBLIC_SITE_URL ?? "{{ site_url }}";

export const metadata: Metadata = {
  metadataBase: new URL(SITE_URL),
  title: {
    default: SITE_TITLE,
    template: `%s | ${SITE_TITLE}`,
  },
  description: `${SITE_TITLE}, built with Next.js and the App Router.`,
  applicationName: SITE_TITLE,
  openGraph: {
    type: "website",
    siteName: SITE_TITLE,
    url: "/",
  },
  robots: {
    index: true,
    follow: true,
  },
};

export const viewport: Viewport = {
  colorScheme: "light dark",
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#ffffff" },
    { media: "(prefers-color-scheme: dark)", color: "#09090b" },
  ],
};

export default function RootLayout({
  children,
}: Readonly<{
  children: React.ReactNode;
}>) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
