"use client";

import { useState } from "react";
import { Button } from "./button";

/** Copies text to the clipboard; falls back to selecting a hidden textarea where the Clipboard API is unavailable (plain http). */
export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = document.createElement("textarea");
      area.value = text;
      document.body.appendChild(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  }

  return (
    <Button size="sm" onClick={copy} aria-label={`${label} to clipboard`}>
      {copied ? "Copied" : label}
    </Button>
  );
}
