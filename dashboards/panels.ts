import * as barGaugePanel from '@grafana/grafana-foundation-sdk/bargauge';
import {
  BarGaugeDisplayMode,
  BigValueColorMode,
  BigValueGraphMode,
  GraphDrawStyle,
  LegendDisplayMode,
  LegendPlacement,
  ReduceDataOptionsBuilder,
  SortOrder,
  StackingConfigBuilder,
  StackingMode,
  TableSortByFieldStateBuilder,
  TooltipDisplayMode,
  VizLegendOptionsBuilder,
  VizOrientation,
  VizTooltipOptionsBuilder,
} from '@grafana/grafana-foundation-sdk/common';
import type { ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import {
  FieldColorBuilder,
  FieldColorModeId,
  MappingType,
  ThresholdsConfigBuilder,
  ThresholdsMode,
} from '@grafana/grafana-foundation-sdk/dashboard';
import * as pieChartPanel from '@grafana/grafana-foundation-sdk/piechart';
import { DataqueryBuilder, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import * as statPanel from '@grafana/grafana-foundation-sdk/stat';
import * as tablePanel from '@grafana/grafana-foundation-sdk/table';
import * as timeSeriesPanel from '@grafana/grafana-foundation-sdk/timeseries';
import { DATASOURCE } from './variables.js';

/** What every panel states: its title, what it shows, the unit of its values and its size. */
export interface PanelText {
  title: string;
  description: string;
  unit: string;
  /** Width in grid columns (24 is the full width). */
  span: number;
  height: number;
}

export interface Target {
  expr: string;
  /** Grafana legend template, e.g. `{{model}}`. */
  legend?: string;
  /** One value per series at the end of the range instead of a range of values. */
  instant?: boolean;
  /** Rows of labels and values (implies instant). */
  table?: boolean;
  /** Smallest step between points, e.g. `1h` so that `increase(...[1h])` bars do not overlap. */
  minStep?: string;
}

const REF_IDS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

function dataQueries(targets: Target[]): DataqueryBuilder[] {
  return targets.map((target, index) => {
    const query = new DataqueryBuilder()
      .refId(REF_IDS.charAt(index))
      .datasource(DATASOURCE)
      .expr(target.expr)
      .legendFormat(target.legend ?? '__auto');
    if (target.minStep !== undefined) query.interval(target.minStep);
    if (target.table === true) return query.instant().format(PromQueryFormat.Table);
    return target.instant === true ? query.instant() : query.range();
  });
}

/** What the panel builders of every type share, in the order the generated JSON has always had them. */
interface PanelBasics<B> {
  title(title: string): B;
  description(description: string): B;
  datasource(datasource: typeof DATASOURCE): B;
  unit(unit: string): B;
  span(span: number): B;
  height(height: number): B;
  targets(targets: DataqueryBuilder[]): B;
}

function basics<B extends PanelBasics<B>>(panel: B, text: PanelText, targets: Target[]): B {
  return panel
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .unit(text.unit)
    .span(text.span)
    .height(text.height)
    .targets(dataQueries(targets));
}

// Without explicit thresholds Grafana colours every value of 80 or more red.
const neutralThresholds = (color: string) =>
  new ThresholdsConfigBuilder().mode(ThresholdsMode.Absolute).steps([{ value: null, color }]);

/** Base colour, then each [from, colour] step: for values whose meaning does not depend on the deployment. */
export const thresholds = (base: string, ...steps: Array<[number, string]>) =>
  new ThresholdsConfigBuilder()
    .mode(ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...steps.map(([value, color]) => ({ value, color }))]);

/** Value -> text (and colour) for states such as 0/1. */
export function valueText(options: Record<string, { text: string; color: string }>): ValueMapping[] {
  return [{ type: MappingType.ValueToText, options }];
}

const palette = () => new FieldColorBuilder().mode(FieldColorModeId.PaletteClassic);

/** Field overrides that draw a threshold series (an alert's or the budget) as a dashed red line. */
export const THRESHOLD_LINE = [
  { id: 'color', value: { mode: 'fixed', fixedColor: 'red' } },
  { id: 'custom.lineStyle', value: { fill: 'dash', dash: [10, 10] } },
  { id: 'custom.fillOpacity', value: 0 },
];

export function stat(text: PanelText, targets: Target[]): statPanel.PanelBuilder {
  return basics(new statPanel.PanelBuilder(), text, targets.map((target) => ({ ...target, instant: true })))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(BigValueGraphMode.None)
    .colorMode(BigValueColorMode.Value)
    .thresholds(neutralThresholds('text'));
}

export function timeSeries(text: PanelText, targets: Target[], options: { stacked?: boolean; bars?: boolean } = {}): timeSeriesPanel.PanelBuilder {
  const panel = basics(new timeSeriesPanel.PanelBuilder(), text, targets)
    .colorScheme(palette())
    .thresholds(neutralThresholds('green'))
    .legend(new VizLegendOptionsBuilder().showLegend(true).displayMode(LegendDisplayMode.List).placement(LegendPlacement.Bottom).calcs([]))
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Multi).sort(SortOrder.Descending))
    .drawStyle(options.bars === true ? GraphDrawStyle.Bars : GraphDrawStyle.Line)
    .lineWidth(1)
    .fillOpacity(options.stacked === true || options.bars === true ? 60 : 10)
    .spanNulls(false);
  return options.stacked === true ? panel.stacking(new StackingConfigBuilder().mode(StackingMode.Normal)) : panel;
}

/** Horizontal bars, one per series, in the order the query returns them (use sort_desc). */
export function barGauge(text: PanelText, targets: Target[]): barGaugePanel.PanelBuilder {
  return basics(new barGaugePanel.PanelBuilder(), text, targets.map((target) => ({ ...target, instant: true })))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .orientation(VizOrientation.Horizontal)
    .displayMode(BarGaugeDisplayMode.Gradient)
    .colorScheme(new FieldColorBuilder().mode(FieldColorModeId.ContinuousBlPu))
    .thresholds(neutralThresholds('green'))
    .min(0);
}

export function pieChart(text: PanelText, targets: Target[]): pieChartPanel.PanelBuilder {
  return basics(new pieChartPanel.PanelBuilder(), text, targets.map((target) => ({ ...target, instant: true })))
    .reduceOptions(new ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .pieType(pieChartPanel.PieChartType.Donut)
    .displayLabels([pieChartPanel.PieChartLabels.Percent])
    .legend(
      new pieChartPanel.PieChartLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(LegendDisplayMode.Table)
        .placement(LegendPlacement.Right)
        .values([pieChartPanel.PieChartLegendValues.Value, pieChartPanel.PieChartLegendValues.Percent]),
    )
    .tooltip(new VizTooltipOptionsBuilder().mode(TooltipDisplayMode.Single).sort(SortOrder.None))
    .colorScheme(palette())
    .thresholds(neutralThresholds('green'));
}

export interface Column {
  /** A label name, or `#A`, `#B`, ... for the value of that query. */
  field: string;
  header: string;
  unit?: string;
}

// Grafana names a table query's value column `Value`, or `Value #<refId>` when the panel has several.
const columnName = (field: string, queries: number): string => {
  if (!field.startsWith('#')) return field;
  return queries === 1 ? 'Value' : `Value ${field}`;
};

/**
 * One row per label set, the instant values of several queries side by side: the queries' tables
 * are merged on their labels, then columns are picked, renamed and given their units.
 */
export function table(text: PanelText, targets: Target[], columns: Column[]): tablePanel.PanelBuilder {
  const named = columns.map((column) => ({ ...column, field: columnName(column.field, targets.length) }));
  const keep = Object.fromEntries(named.map((column, index) => [column.field, index]));
  const rename = Object.fromEntries(named.map((column) => [column.field, column.header]));
  let panel = basics(new tablePanel.PanelBuilder(), text, targets.map((target) => ({ ...target, table: true })))
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({ id: 'organize', options: { excludeByName: {}, includeByName: Object.fromEntries(named.map((column) => [column.field, true])), indexByName: keep, renameByName: rename } })
    .thresholds(neutralThresholds('text'))
    .filterable(true);
  for (const column of named) {
    if (column.unit !== undefined) panel = panel.overrideByName(column.header, [{ id: 'unit', value: column.unit }]);
  }
  const first = columns.find((column) => column.field.startsWith('#'));
  return first === undefined ? panel : panel.sortBy([new TableSortByFieldStateBuilder().displayName(first.header).desc(true)]);
}
