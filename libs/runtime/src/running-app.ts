/** A started app of a process; the launcher stops them in reverse order on SIGTERM. */
export interface RunningApp {
  name: string;
  /** Where an app that serves HTTP listens. */
  url?: string;
  stop(): Promise<void>;
}
