import { useMemo, useState, type ReactNode } from 'react';
import { useI18n } from '../i18n';

export interface Column<R> {
  key: string;
  header: string;
  render(row: R): ReactNode;
  /** The value sorted on; a column without it is not sortable. */
  sortValue?(row: R): string | number;
  numeric?: boolean;
}

/** A table with sortable headers (click or Enter on a header); `caption` is read by screen readers. */
export function Table<R>({
  columns,
  rows,
  rowKey,
  caption,
  empty,
  initialSort,
}: {
  columns: Column<R>[];
  rows: R[];
  rowKey(row: R): string;
  caption: string;
  empty?: ReactNode;
  initialSort?: { key: string; desc?: boolean };
}) {
  const { t, locale } = useI18n();
  const [sort, setSort] = useState<{ key: string; desc: boolean } | undefined>(
    initialSort ? { key: initialSort.key, desc: initialSort.desc ?? false } : undefined,
  );
  const sorted = useMemo(() => {
    const col = sort && columns.find((c) => c.key === sort.key);
    if (!col?.sortValue) return rows;
    const get = col.sortValue;
    const coll = new Intl.Collator(locale);
    const out = [...rows].sort((a, b) => {
      const x = get(a);
      const y = get(b);
      const c = typeof x === 'number' && typeof y === 'number' ? x - y : coll.compare(String(x), String(y));
      return sort!.desc ? -c : c;
    });
    return out;
  }, [rows, columns, sort, locale]);

  if (rows.length === 0 && empty) return <>{empty}</>;
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => {
              const active = sort?.key === c.key;
              const ariaSort = active
                ? sort!.desc
                  ? 'descending'
                  : 'ascending'
                : c.sortValue
                  ? 'none'
                  : undefined;
              return (
                <th key={c.key} scope="col" aria-sort={ariaSort} className={c.numeric ? 'num' : undefined}>
                  {c.sortValue ? (
                    <button
                      type="button"
                      className="th-sort"
                      onClick={() => setSort({ key: c.key, desc: active ? !sort!.desc : false })}
                      title={t('common.sortBy', { column: c.header })}
                    >
                      {c.header}
                      <span aria-hidden="true" className="sort-mark">
                        {active ? (sort!.desc ? '▼' : '▲') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.header
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {sorted.map((r) => (
            <tr key={rowKey(r)}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'num' : undefined}>
                  {c.render(r)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
