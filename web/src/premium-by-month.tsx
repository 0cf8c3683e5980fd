import { formatCents } from './format.js';
import { TableScroll } from './table-scroll.js';

// The table beside the written/earned premium chart, on the month-end report and the books page:
// one row a month, written and earned premium (the chart's numbers, for those who do not see it).

const numericCell = { textAlign: 'right', fontVariantNumeric: 'tabular-nums' } as const;

export interface PremiumMonth {
  month: string;
  writtenCents: number;
  earnedCents: number;
}

export function PremiumByMonthTable({
  id,
  caption,
  months,
}: {
  /** The caption's id, which labels the scrolling region. */
  id: string;
  caption: string;
  months: readonly PremiumMonth[];
}) {
  return (
    <TableScroll labelledBy={id}>
      <table className="table">
        <caption id={id}>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Month</th>
            <th scope="col" style={numericCell}>
              Written
            </th>
            <th scope="col" style={numericCell}>
              Earned
            </th>
          </tr>
        </thead>
        <tbody>
          {months.map((m) => (
            <tr key={m.month}>
              <td>{m.month}</td>
              <td style={numericCell}>{formatCents(m.writtenCents)}</td>
              <td style={numericCell}>{formatCents(m.earnedCents)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
