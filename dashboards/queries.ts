import { CATALOGUE } from './catalogue.js';
import { withVariablesReplaced } from './promql.js';

/** The parts of a generated dashboard that its queries live in (every one of ours has them all). */
export interface DashboardJson {
  uid: string;
  panels: Array<{ id: number; type: string; title: string; targets: Array<{ refId: string; expr: string; instant?: boolean }> }>;
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

/** One query of one panel, as a test that runs it against Prometheus needs it. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  panelId: number;
  refId: string;
  /** As written in the dashboard, with Grafana variables. */
  expr: string;
  /** With every variable on "All" and interval variables as durations: ready for Prometheus. */
  promql: string;
  instant: boolean;
  /**
   * Reads the recording rules' settled daily series, which Prometheus fills only once a day has
   * settled (after the first refresh past 12:00 UTC; week-over-week ratios after 8 days): empty on a
   * Prometheus that has just started.
   */
  needsHistory: boolean;
}

export interface VariableQuery {
  dashboard: string;
  name: string;
  query: string;
}

const allDashboards = (): DashboardJson[] => CATALOGUE.map(({ build }) => build() as unknown as DashboardJson);

/** Every (dashboard uid, panel, query) of the given dashboards, all of ours by default. */
export function panelQueries(dashboards: DashboardJson[] = allDashboards()): PanelQuery[] {
  return dashboards.flatMap((dashboard) =>
    dashboard.panels
      .filter((panel) => panel.type !== 'row')
      .flatMap((panel) =>
        panel.targets.map((target) => ({
          dashboard: dashboard.uid,
          panel: panel.title,
          panelId: panel.id,
          refId: target.refId,
          expr: target.expr,
          promql: withVariablesReplaced(target.expr),
          instant: target.instant === true,
          needsHistory: /\w:bedrock_\w+_settled:/.test(target.expr),
        })),
      ),
  );
}

/** The label_values(...) queries of every query variable. */
export function variableQueries(dashboards: DashboardJson[] = allDashboards()): VariableQuery[] {
  return dashboards.flatMap((dashboard) =>
    dashboard.templating.list
      .filter((variable) => variable.type === 'query')
      .map((variable) => ({ dashboard: dashboard.uid, name: variable.name, query: String(variable.query) })),
  );
}
