import type { ReactNode } from "react";

interface Props {
  id: string;
  title: string;
  chart: ReactNode;
  children: ReactNode; // the table: the chart's figures, for everyone and for screen readers
  below?: ReactNode; // what needs the section's full width (a wide list)
  stacked?: boolean; // the table under the chart, both full width (many rows with long names)
}

/** One section of the dashboard: its heading, its chart, and the same figures as a table beside it. */
export function Section({ id, title, chart, children, below, stacked = false }: Props) {
  return (
    <section className="dash-section" aria-labelledby={`${id}-heading`} data-section={id}>
      <h3 id={`${id}-heading`}>{title}</h3>
      <div className={stacked ? "dash-pair stacked" : "dash-pair"}>
        <div>{chart}</div>
        {/* Focusable: a box that scrolls must be reachable by keyboard. */}
        <div className="dash-scroll" tabIndex={0}>{children}</div>
      </div>
      {below && <div className="dash-scroll" tabIndex={0}>{below}</div>}
    </section>
  );
}
