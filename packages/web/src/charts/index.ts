// Charts: echarts behind one React component, with the app's colours and a table of numbers.
export { EChart, type ChartTable } from './EChart.tsx';
export type { ChartOption, RenderItem } from './echarts.ts';
export { chartColours, type ChartColours } from './theme.ts';
