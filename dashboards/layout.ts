import type { Builder } from '@grafana/grafana-foundation-sdk/cog';
import type { Dashboard, DashboardLink, Panel, RowPanel, VariableModel } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  DashboardBuilder,
  DashboardCursorSync,
  DashboardLinkBuilder,
  DashboardLinkType,
  RowBuilder,
} from '@grafana/grafana-foundation-sdk/dashboard';

export const TAG = 'bedrock';

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  /** How far back the dashboard looks by default, e.g. `30d`. */
  from: string;
  variables: Array<Builder<VariableModel>>;
  rows: Array<{ title: string; panels: Array<Builder<Panel>> }>;
}

/** A dashboard with the settings all of ours share: tag, links to the others, UTC, variables, rows. */
export function dashboard(spec: DashboardSpec): Dashboard {
  let builder = new DashboardBuilder(spec.title)
    .uid(spec.uid)
    .description(spec.description)
    .tags([TAG, 'bedrock-usage-exporter'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    // Cost Explorer days are UTC days.
    .timezone('utc')
    .time({ from: `now-${spec.from}`, to: 'now' })
    .refresh('15m');
  for (const variable of spec.variables) builder = builder.withVariable(variable);
  for (const row of spec.rows) {
    builder = builder.withRow(new RowBuilder(row.title));
    for (const panel of row.panels) builder = builder.withPanel(panel);
  }
  return finish(builder.build());
}

// A dropdown of every dashboard with our tag, keeping the time range and the variables.
function linkToTheOthers(): DashboardLink {
  const link = new DashboardLinkBuilder('Bedrock dashboards')
    .type(DashboardLinkType.Dashboards)
    .tags([TAG])
    .asDropdown(true)
    .includeVars(true)
    .keepTime(true)
    .build();
  // The builder's default placement hides the link in the controls menu; keep it in sight.
  const { placement: _hidden, ...visible } = link;
  return visible;
}

function finish(built: Dashboard): Dashboard {
  // Grafana needs a unique id per panel for links and panel views; the builders leave it out.
  const panels = (built.panels ?? []).map((panel: Panel | RowPanel, index) => ({ ...panel, id: index + 1 }));
  return { ...built, panels, links: [linkToTheOthers()] };
}
