export const statusTones = { draft: "gray", running: "green", paused: "amber", stopped: "gray" } as const;
export type ExperimentStatus = keyof typeof statusTones;
export const statusMoves: Record<ExperimentStatus, { status: "running" | "paused" | "stopped"; label: string }[]> = {
  draft: [{ status: "running", label: "Start" }, { status: "stopped", label: "Stop" }],
  running: [{ status: "paused", label: "Pause" }, { status: "stopped", label: "Stop" }],
  paused: [{ status: "running", label: "Resume" }, { status: "stopped", label: "Stop" }],
  stopped: [],
};
