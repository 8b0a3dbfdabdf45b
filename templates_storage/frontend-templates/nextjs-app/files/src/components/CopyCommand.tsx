"use client";

import { useEffect, useState } from "react";
{%- if styling == 'tailwind' %}

const styles = {
  root: "flex items-center justify-between gap-4 rounded-lg bg-zinc-900 px-4 py-3 text-zinc-100",
  command: "font-mono text-sm",
  button:
    "rounded-md border border-zinc-600 px-3 py-1 text-sm hover:bg-zinc-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand",
} as const;
{%- else %}

import styles from "./CopyCommand.module.css";
{%- endif %}

type Status = "idle" | "copied" | "failed";

const LABELS: Record<Status, string> = {
  idle: "Copy",
  copied: "Copied",
  failed: "Copy failed",
};

/** Shows a shell command with a button that copies it to the clipboard. */
export function CopyCommand({ command }: { command: string }) {
  const [status, setStatus] = useState<Status>("idle");

  // Return to "Copy" two seconds after a copy attempt.
  useEffect(() => {
    if (status === "idle") return;
    const timer = setTimeout(() => setStatus("idle"), 2000);
    return () => clearTimeout(timer);
  }, [status]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(command);
      setStatus("copied");
    } catch {
      // Clipboard access needs a secure context (https or localhost) and permission.
      setStatus("failed");
    }
  }

  return (
    <div className={styles.root}>
      <code className={styles.command}>{command}</code>
      <button type="button" className={styles.button} onClick={copy}>
        {LABELS[status]}
      </button>
      <span role="status" className="sr-only">
        {status === "copied" ? `Copied "${command}" to the clipboard` : ""}
      </span>
    </div>
  );
}
