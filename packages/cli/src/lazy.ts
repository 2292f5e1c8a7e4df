// The server and the query parser take about two seconds to load; `poms campaign …` needs
// neither. Commands that do load them when they run, so the file commands stay quick.
export const loadServer = () => import('@poms/server');
export const loadQueryParser = () => import('@poms/core/query');
