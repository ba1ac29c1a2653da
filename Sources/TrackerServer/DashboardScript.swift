// DashboardScript: the pages' inline script and extra style. The script polls
// /api/status (which answers as soon as anything is committed, or after
// data-wait seconds), redraws the progress bars, and re-fetches the page's
// content fragment when the runs changed: no reload, no flicker. It also links
// run ids to their pages and sorts a table by a click on its header.
enum DashboardScript {
  static let style = """
    nav { font-size: 14px; margin-bottom: 8px; }
    nav a { margin-right: 12px; }
    form.filters { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center;
      font-size: 13px; margin: 8px 0 16px; }
    form.filters input { width: 10em; }
    #live { border: 1px solid #e3e3e3; border-radius: 4px; padding: 4px 12px 8px; }
    #live h2 { margin-top: 4px; }
    .run-progress { font-size: 13px; margin: 4px 0; }
    .run-progress progress { width: 240px; vertical-align: middle; }
    .abandoned { color: #B03A2E; }
    p.message { color: #B03A2E; }
    pre.details { font-size: 12px; background: #f8f8f8; padding: 8px; overflow-x: auto; }
    th.sortable { cursor: pointer; }
    """

  static let source = """
    (function () {
      var body = document.body;
      var generation = Number(body.dataset.generation);
      var content = body.dataset.content;
      var fragment = body.dataset.fragment;
      var wait = body.dataset.wait;
      function el(tag, text) {
        var node = document.createElement(tag);
        if (text !== undefined) node.textContent = text;
        return node;
      }
      function drawLive(running) {
        var live = document.getElementById('live');
        live.textContent = '';
        live.hidden = running.length === 0;
        if (running.length === 0) return;
        live.appendChild(el('h2', 'Running (' + running.length + ')'));
        running.forEach(function (run) {
          var row = el('div');
          row.className = 'run-progress';
          row.dataset.id = run.id;
          var link = el('a', run.id.slice(0, 8));
          link.href = '/runs/' + encodeURIComponent(run.id);
          row.appendChild(link);
          row.appendChild(el('span', ' ' + run.optimizer + (run.name ? ' ' + run.name : '') + ' '));
          var bar = el('progress');
          bar.max = Math.max(run.iterations, 1);
          bar.value = run.iteration;
          row.appendChild(bar);
          row.appendChild(el('span', ' ' + run.iteration + ' / ' + run.iterations));
          if (run.abandoned) {
            var why = el('span', ' abandoned: ' + run.abandoned);
            why.className = 'abandoned';
            row.appendChild(why);
          }
          live.appendChild(row);
        });
      }
      function enhance() {
        document.querySelectorAll('#content td.id').forEach(function (cell) {
          if (cell.querySelector('a')) return;
          var link = el('a', cell.textContent);
          link.href = '/runs/' + encodeURIComponent(cell.textContent);
          cell.textContent = '';
          cell.appendChild(link);
        });
        document.querySelectorAll('#content table.runs').forEach(sortable);
      }
      function sortable(table) {
        var heads = table.querySelectorAll('thead th');
        heads.forEach(function (head, column) {
          head.className += ' sortable';
          head.onclick = function () {
            var rows = Array.prototype.slice.call(table.tBodies[0].rows);
            var up = head.dataset.order !== 'up';
            head.dataset.order = up ? 'up' : 'down';
            rows.sort(function (a, b) {
              var x = a.cells[column].textContent, y = b.cells[column].textContent;
              var nx = parseFloat(x), ny = parseFloat(y);
              var order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
              return up ? order : -order;
            });
            rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
          };
        });
      }
      function refresh() {
        fetch(fragment, { cache: 'no-store' }).then(function (response) {
          var shown = response.headers.get('X-Tracker-Content');
          return response.text().then(function (text) {
            document.getElementById('content').innerHTML = text;
            content = shown;
            body.dataset.content = shown;
            body.dataset.updates = Number(body.dataset.updates || 0) + 1;
            enhance();
          });
        });
      }
      function poll() {
        var url = '/api/status?since=' + generation + '&wait=' + wait;
        fetch(url, { cache: 'no-store' }).then(function (response) {
          return response.json();
        }).then(function (status) {
          generation = status.generation;
          drawLive(status.running);
          if (fragment && status.content !== content) refresh();
          setTimeout(poll, 1000);
        }).catch(function () { setTimeout(poll, 3000); });
      }
      enhance();
      poll();
    })();
    """
}
