import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';

// A bar chart drawn by Chart.js. Only the pieces a bar chart needs are registered, so the chunk that
// imports this file (staff pages only, loaded on demand) stays small. The canvas is an image for
// assistive technology; every chart on the page also shows its numbers as a table.

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export interface BarSeries {
  label: string;
  values: number[];
  /** 'right': drawn against a scale of its own on the right, for a series far smaller than the others. */
  axis?: 'left' | 'right';
}

const PALETTE = ['#1d4ed8', '#ea580c', '#15803d', '#9333ea', '#b91c1c', '#0e7490', '#a16207', '#4b5563'];

export function BarChart({
  labels,
  series,
  stacked = false,
  description,
  formatValue,
}: {
  labels: string[];
  series: BarSeries[];
  stacked?: boolean;
  /** What the chart shows, read out in place of the picture. */
  description: string;
  formatValue?: (value: number) => string;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    const config: ChartConfiguration<'bar'> = {
      type: 'bar',
      data: {
        labels,
        datasets: series.map((s, index) => ({
          label: s.axis === 'right' ? `${s.label} (right-hand scale)` : s.label,
          data: s.values,
          backgroundColor: PALETTE[index % PALETTE.length],
          yAxisID: s.axis === 'right' ? 'y1' : 'y',
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: {
          x: { stacked },
          y: {
            stacked,
            beginAtZero: true,
            // Counts are whole numbers: no 0.5 claim ticks.
            ticks: formatValue ? { callback: (value) => formatValue(Number(value)) } : { precision: 0 },
          },
          ...(series.some((s) => s.axis === 'right')
            ? {
                y1: {
                  position: 'right' as const,
                  beginAtZero: true,
                  grid: { drawOnChartArea: false },
                  title: {
                    display: true,
                    text: series.find((s) => s.axis === 'right')?.label ?? '',
                  },
                  ticks: formatValue
                    ? { callback: (value: string | number) => formatValue(Number(value)) }
                    : { precision: 0 },
                },
              }
            : {}),
        },
        plugins: {
          legend: { position: 'bottom' },
          ...(formatValue
            ? {
                tooltip: {
                  callbacks: { label: (item) => `${item.dataset.label}: ${formatValue(Number(item.raw))}` },
                },
              }
            : {}),
        },
      },
    };
    const chart = new Chart(canvas, config);
    return () => chart.destroy();
  }, [labels, series, stacked, formatValue]);

  return (
    <div style={{ position: 'relative', height: '18rem' }}>
      <canvas ref={canvasRef} role="img" aria-label={description} />
    </div>
  );
}
