import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = {
  title: "Page not found",
};

export default function NotFound() {
  return (
    <main className="status-page">
      <h1>Page not found</h1>
      <p>The page you asked for does not exist or has moved.</p>
      <Link href="/" className="button">
        Back to the home page
      </Link>
    </main>
  );
}
