// Chart colours from the app's CSS custom properties (styles.css), read when a chart is drawn, so
// charts follow the page's palette (and a dark one, should the app get it) instead of echarts'.

export interface ChartColours {
  text: string;
  muted: string;
  line: string;
  accent: string;
  good: string;
  bad: string;
  waiting: string;
  gone: string;
}

const FALLBACK: ChartColours = {
  text: '#1d2330',
  muted: '#667085',
  line: '#d9dde3',
  accent: '#2458c6',
  good: '#1d7f4e',
  bad: '#b42318',
  waiting: '#9a6200',
  gone: '#667085',
};

export function chartColours(element?: Element): ChartColours {
  if (typeof getComputedStyle === 'undefined') return FALLBACK;
  const style = getComputedStyle(element ?? document.documentElement);
  const read = (name: keyof ChartColours) =>
    style.getPropertyValue(`--${name}`).trim() || FALLBACK[name];
  return {
    text: read('text'),
    muted: read('muted'),
    line: read('line'),
    accent: read('accent'),
    good: read('good'),
    bad: read('bad'),
    waiting: read('waiting'),
    gone: read('gone'),
  };
}
