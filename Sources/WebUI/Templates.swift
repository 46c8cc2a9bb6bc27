// Tollgate — WebUI: the pages' Mustache templates. `{{x}}` escapes (label values are user
// data); `{{{x}}}` is used only for HTML this module rendered itself (a page's body).

import Mustache

enum Templates {
    /// Every template, by name; partials (`{{> chart}}`) resolve within this library.
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in all {
            // The templates are constants the tests parse; one that did not would render as an empty page.
            try? library.register(text, named: name)
        }
        return library
    }()

    static let all: [(String, String)] = [
        ("layout", layout), ("chart", chart), ("strip", strip), ("overview", overview), ("targets", targets), ("rules", rules),
        ("silences", silences), ("rollouts", rollouts), ("rollout", rollout), ("graph", graph), ("dashboards", dashboards),
        ("dashboard", dashboard), ("notFound", notFound),
    ]

    static let layout = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · Tollgate</title>
        <style>
        :root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--accent:#0b57d0;--bad:#b3261e;--good:#1a7f37;--warn:#9a6700}
        *{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
        header{background:#0d1117;color:#fff;padding:.5rem 1rem}header a{color:#fff;text-decoration:none;margin-right:1rem;display:inline-block;padding:.2rem 0}
        header a[aria-current=page]{border-bottom:2px solid #fff}.brand{font-weight:700}
        main{padding:1rem;max-width:1280px;margin:0 auto}h1{font-size:1.5rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}h3{font-size:1rem;margin:1rem 0 .4rem}
        table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
        th{background:#f6f8fa}.scroll{overflow-x:auto}code,.labels{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
        .label{display:inline-block;background:#eef1f4;border-radius:3px;padding:0 .3rem;margin:0 .2rem .2rem 0;white-space:nowrap}
        .up,.go,.pass,.ok,.active{color:var(--good);font-weight:600}.down,.no-go,.fail,.err,.firing,.rolled_back,.error,.expired{color:var(--bad);font-weight:600}
        .pending,.inconclusive,.breaching,.unknown,.nodata{color:var(--warn);font-weight:600}
        .cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.75rem}.card{border:1px solid var(--line);border-radius:6px;padding:.75rem}
        .card .value{font-size:1.6rem;font-weight:700}.card .name{color:var(--muted)}
        form.inline{display:inline}label{display:block;font-weight:600;margin:.4rem 0 .2rem}input[type=text],textarea{width:100%;max-width:40rem;padding:.4rem;font:inherit;border:1px solid var(--line);border-radius:4px}
        button{font:inherit;padding:.35rem .8rem;border:1px solid var(--accent);background:var(--accent);color:#fff;border-radius:4px;cursor:pointer;margin-top:.4rem}
        .row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}.row>div{flex:0 1 auto}
        .errorbox{border:1px solid var(--bad);background:#fdecea;color:var(--bad);padding:.5rem .75rem;border-radius:4px;white-space:pre-wrap}
        .notice{border:1px solid var(--good);background:#e9f6ec;padding:.5rem .75rem;border-radius:4px}
        figure.chart{margin:.5rem 0;max-width:100%}figure.chart svg{width:100%;height:auto;max-width:960px;border:1px solid var(--line);border-radius:4px;background:#fff}figure.strip svg{max-width:420px}
        ul.legend{list-style:none;padding:0;margin:.3rem 0;display:flex;flex-wrap:wrap;gap:.3rem 1rem;font-size:.8rem}.swatch{display:inline-block;width:.8rem;height:.8rem;margin-right:.3rem;vertical-align:middle}
        .panels{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:1rem}.panel{border:1px solid var(--line);border-radius:6px;padding:.5rem .75rem;min-width:0}
        .panel h3{margin:.2rem 0}.stat{font-size:2rem;font-weight:700}.muted{color:var(--muted)}
        .skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;background:#fff;color:#000;padding:.3rem}
        @media (max-width:600px){main{padding:.5rem}th,td{padding:.3rem}.card .value{font-size:1.3rem}}
        </style>
        </head>
        <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><nav aria-label="Main">
        <span class="brand">Tollgate</span>
        {{#nav}}<a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{name}}</a>{{/nav}}
        </nav></header>
        <main id="main">
        <h1>{{title}}</h1>
        {{{body}}}
        </main>
        {{#refresh}}<script>setTimeout(function(){location.reload()},{{refresh}}000)</script>{{/refresh}}
        </body>
        </html>
        """

    static let chart = """
        <figure class="chart">
        <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{{description}}" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}">
        <title>{{description}}</title>
        <line x1="{{plotLeft}}" y1="{{plotBottom}}" x2="{{plotRight}}" y2="{{plotBottom}}" stroke="#57606a"/>
        <line x1="{{plotLeft}}" y1="{{plotTop}}" x2="{{plotLeft}}" y2="{{plotBottom}}" stroke="#57606a"/>
        {{#yTicks}}<text x="{{x}}" y="{{y}}" font-size="11" text-anchor="end" fill="#57606a">{{text}}</text>{{/yTicks}}
        {{#xTicks}}<text x="{{x}}" y="{{y}}" font-size="11" text-anchor="middle" fill="#57606a">{{text}}</text>{{/xTicks}}
        {{#lines}}<polyline class="series" fill="none" stroke="{{color}}" stroke-width="1.5" points="{{points}}"><title>{{name}}</title></polyline>{{#single}}<circle cx="{{singleX}}" cy="{{singleY}}" r="3" fill="{{color}}"/>{{/single}}{{/lines}}
        {{#empty}}<text x="50%" y="50%" text-anchor="middle" fill="#57606a">no data</text>{{/empty}}
        </svg>
        <figcaption><ul class="legend">{{#legend}}<li><span class="swatch" style="background:{{color}}" aria-hidden="true"></span>{{name}}</li>{{/legend}}</ul></figcaption>
        </figure>
        """

    static let strip = """
        <figure class="chart strip">
        <svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{{description}}" viewBox="0 0 {{width}} {{height}}" width="{{width}}" height="{{height}}">
        <title>{{description}}</title>
        <line x1="60" y1="176" x2="390" y2="176" stroke="#57606a"/><line x1="60" y1="12" x2="60" y2="176" stroke="#57606a"/>
        {{#yTicks}}<text x="{{x}}" y="{{y}}" font-size="11" text-anchor="end" fill="#57606a">{{text}}</text>{{/yTicks}}
        {{#columns}}<g class="sample" data-name="{{name}}">{{#dots}}<circle cx="{{x}}" cy="{{y}}" r="3" fill="{{color}}" fill-opacity="0.6"/>{{/dots}}
        <line x1="{{x}}" x2="{{x}}" y1="{{meanY}}" y2="{{meanY}}" stroke="{{color}}"/><path d="M{{x}} {{meanY}} m-22 0 h44" stroke="{{color}}" stroke-width="2"/>
        <text x="{{x}}" y="192" font-size="12" text-anchor="middle">{{name}}</text><text x="{{x}}" y="206" font-size="11" text-anchor="middle" fill="#57606a">mean {{mean}}, {{count}} values</text></g>{{/columns}}
        </svg>
        </figure>
        """

    static let overview = """
        <section aria-labelledby="now"><h2 id="now">Now</h2>
        <div class="cards">
        {{#cards}}<div class="card" id="card-{{id}}"><div class="name">{{name}}</div><div class="value">{{value}}</div>{{#detail}}<div class="muted">{{detail}}</div>{{/detail}}</div>{{/cards}}
        </div></section>
        <section aria-labelledby="firing"><h2 id="firing">Firing alerts</h2>
        {{#hasAlerts}}<div class="scroll"><table id="firing-alerts"><thead><tr><th scope="col">Alert</th><th scope="col">Labels</th><th scope="col">Since</th></tr></thead><tbody>
        {{#alerts}}<tr><td class="firing">{{name}}</td><td class="labels">{{#labels}}<span class="label">{{.}}</span>{{/labels}}</td><td>{{since}}</td></tr>{{/alerts}}
        </tbody></table></div>{{/hasAlerts}}
        {{^alerts}}<p>No alert is firing.</p>{{/alerts}}
        </section>
        <section aria-labelledby="inprogress"><h2 id="inprogress">Rollouts in progress</h2>
        {{#hasRollouts}}<ul id="active-rollouts">{{#rollouts}}<li><a href="rollouts/{{id}}">{{service}} {{version}}</a> at {{traffic}}% — <span class="{{decision}}">{{decision}}</span> {{reason}}</li>{{/rollouts}}</ul>{{/hasRollouts}}
        {{^rollouts}}<p>No rollout in progress.</p>{{/rollouts}}
        </section>
        """

    static let targets = """
        {{#pools}}<section aria-labelledby="pool-{{index}}"><h2 id="pool-{{index}}">{{name}} <span class="muted">({{up}}/{{total}} up)</span></h2>
        <div class="scroll"><table class="targets"><thead><tr><th scope="col">Endpoint</th><th scope="col">State</th><th scope="col">Labels</th><th scope="col">Last scrape</th><th scope="col">Scrape duration</th><th scope="col">Error</th></tr></thead><tbody>
        {{#targets}}<tr class="target"><td><code>{{url}}</code></td><td class="{{health}}">{{health}}</td><td class="labels">{{#labels}}<span class="label">{{.}}</span>{{/labels}}</td><td>{{lastScrape}}</td><td>{{duration}}</td><td class="error">{{error}}</td></tr>{{/targets}}
        </tbody></table></div></section>{{/pools}}
        {{^pools}}<p>No targets.</p>{{/pools}}
        """

    static let rules = """
        <form method="get" class="row"><div><label for="filter">Show</label>
        <select id="filter" name="show"><option value="all"{{#showAll}} selected{{/showAll}}>All rules</option><option value="alerts"{{#alertsOnly}} selected{{/alertsOnly}}>Alerting rules</option></select></div><div><button type="submit">Apply</button></div></form>
        {{#groups}}<section aria-labelledby="group-{{index}}"><h2 id="group-{{index}}">{{name}}</h2>
        <p class="muted">{{file}} · every {{interval}} · last evaluation {{lastEvaluation}} ({{evaluationTime}})</p>
        <div class="scroll"><table class="rules"><thead><tr><th scope="col">Rule</th><th scope="col">State</th><th scope="col">Health</th><th scope="col">Query</th></tr></thead><tbody>
        {{#rules}}<tr class="rule"><td>{{kind}} <strong>{{name}}</strong></td><td class="{{state}}">{{state}}</td><td class="{{health}}">{{health}}{{#error}}<div class="error">{{error}}</div>{{/error}}</td><td><code>{{query}}</code></td></tr>
        {{#alerts}}<tr class="alert"><td></td><td class="{{state}}">{{state}}</td><td>since {{since}} · value {{value}}</td><td class="labels">{{#labels}}<span class="label">{{.}}</span>{{/labels}}</td></tr>{{/alerts}}{{/rules}}
        </tbody></table></div></section>{{/groups}}
        {{^groups}}<p>No rule groups are loaded.</p>{{/groups}}
        """

    static let silences = """
        {{#message}}<p class="notice" role="status">{{message}}</p>{{/message}}
        {{#error}}<p class="errorbox" role="alert">{{error}}</p>{{/error}}
        {{^available}}<p>The built-in notifier is not running, so there are no silences.</p>{{/available}}
        {{#available}}
        <section aria-labelledby="new"><h2 id="new">New silence</h2>
        <form method="post" action="silences" id="new-silence">
        <label for="matchers">Matchers</label><input type="text" id="matchers" name="matchers" required value="{{matchers}}" placeholder='alertname="InstanceDown", severity=~"warn.*"' aria-describedby="matchers-help">
        <div id="matchers-help" class="muted">Alertmanager's matcher syntax, comma-separated.</div>
        <label for="duration">Duration</label><input type="text" id="duration" name="duration" required value="{{duration}}" placeholder="2h">
        <label for="createdBy">Created by</label><input type="text" id="createdBy" name="createdBy" required value="{{createdBy}}">
        <label for="comment">Comment</label><input type="text" id="comment" name="comment" required value="{{comment}}">
        <button type="submit">Create silence</button>
        </form></section>
        <section aria-labelledby="list"><h2 id="list">Silences</h2>
        {{#hasSilences}}<div class="scroll"><table id="silences"><thead><tr><th scope="col">State</th><th scope="col">Matchers</th><th scope="col">Ends</th><th scope="col">Created by</th><th scope="col">Comment</th><th scope="col"><span class="skip">Action</span></th></tr></thead><tbody>
        {{#silences}}<tr class="silence" data-id="{{id}}"><td class="{{state}}">{{state}}</td><td class="labels">{{#matchers}}<span class="label">{{.}}</span>{{/matchers}}</td><td>{{endsAt}}</td><td>{{createdBy}}</td><td>{{comment}}</td>
        <td>{{#expirable}}<form method="post" action="silences/expire" class="inline"><input type="hidden" name="id" value="{{id}}"><button type="submit" aria-label="Expire silence {{id}}">Expire</button></form>{{/expirable}}</td></tr>{{/silences}}
        </tbody></table></div>{{/hasSilences}}
        {{^silences}}<p>No silences.</p>{{/silences}}
        </section>
        {{/available}}
        """

    static let rollouts = """
        {{^available}}<p>Stored rollouts are not available.</p>{{/available}}
        {{#available}}
        <section aria-labelledby="all"><h2 id="all">Rollouts</h2>
        {{#hasRollouts}}<div class="scroll"><table id="rollouts"><thead><tr><th scope="col">Rollout</th><th scope="col">Service</th><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Traffic</th><th scope="col">Stage</th><th scope="col">Decision</th><th scope="col">Reason</th></tr></thead><tbody>
        {{#rollouts}}<tr class="rollout"><td><a href="rollouts/{{id}}">{{id}}</a></td><td>{{service}}</td><td>{{version}}{{#baseline}} <span class="muted">vs {{baseline}}</span>{{/baseline}}</td><td class="{{status}}">{{status}}</td><td>{{traffic}}%</td><td>{{stage}}</td><td class="{{decision}}">{{decision}}</td><td>{{reason}}</td></tr>{{/rollouts}}
        </tbody></table></div>{{/hasRollouts}}
        {{^rollouts}}<p>No rollouts are stored.</p>{{/rollouts}}
        </section>
        <section aria-labelledby="dora"><h2 id="dora">DORA</h2>
        {{#hasDora}}<table id="dora-figures"><thead><tr><th scope="col">Figure</th><th scope="col">Value</th></tr></thead><tbody>{{#dora}}<tr><td>{{name}}</td><td>{{value}}</td></tr>{{/dora}}</tbody></table>{{/hasDora}}
        {{^dora}}<p>No DORA figures yet.</p>{{/dora}}
        </section>
        {{/available}}
        """

    static let rollout = """
        {{#error}}<p class="errorbox" role="alert">{{error}}</p>{{/error}}
        {{#rollout}}
        <p><strong>{{service}}</strong> {{version}}{{#baseline}} against {{baseline}}{{/baseline}} · guard <code>{{guard}}</code> · plan <code>{{plan}}</code> · <span class="{{status}}">{{status}}</span> at {{traffic}}%</p>
        <section aria-labelledby="stages"><h2 id="stages">Stages</h2>
        <table id="stages-table"><thead><tr><th scope="col">Stage</th><th scope="col">Traffic</th><th scope="col">Watch</th><th scope="col"><span class="skip">Current</span></th></tr></thead><tbody>
        {{#stages}}<tr><td>{{number}}</td><td>{{traffic}}%</td><td>{{watch}}</td><td>{{#current}}current{{/current}}</td></tr>{{/stages}}
        </tbody></table></section>
        <section aria-labelledby="decisions"><h2 id="decisions">Decisions and changes</h2>
        {{#history}}<article class="change" aria-labelledby="change-{{index}}"><h3 id="change-{{index}}">{{at}} · {{event}}{{#decision}} · <span class="{{decision}}">{{decision}}</span>{{/decision}} <span class="muted">stage {{stage}}, {{traffic}}%</span></h3>
        {{#reason}}<p class="reason">{{reason}}</p>{{/reason}}
        {{#hasChecks}}<div class="scroll"><table class="evidence"><thead><tr><th scope="col">Check</th><th scope="col">Kind</th><th scope="col">Verdict</th><th scope="col">Value</th><th scope="col">Threshold</th><th scope="col">Summary</th></tr></thead><tbody>
        {{#checks}}<tr class="check"><td>{{name}}</td><td>{{kind}}</td><td class="{{verdict}}">{{verdict}}</td><td class="value">{{value}}</td><td class="threshold">{{threshold}}</td><td>{{summary}}</td></tr>{{/checks}}
        </tbody></table></div>{{/hasChecks}}
        {{#strips}}<h4>{{name}}: canary against baseline</h4>{{> strip}}{{/strips}}
        {{#hasVetoes}}<ul class="vetoes">{{#vetoes}}<li>{{.}}</li>{{/vetoes}}</ul>{{/hasVetoes}}
        </article>{{/history}}
        {{^history}}<p>No changes stored.</p>{{/history}}
        </section>
        {{/rollout}}
        """

    static let graph = """
        <form method="get" id="graph-form">
        <label for="expr">Expression</label><textarea id="expr" name="expr" rows="2" required>{{expr}}</textarea>
        <div class="row"><div><label for="range">Range</label><input type="text" id="range" name="range" value="{{range}}" size="6"></div>
        <div><label for="end">End (RFC 3339 or Unix seconds; empty: now)</label><input type="text" id="end" name="end" value="{{end}}" size="24"></div>
        <div><label for="step">Step (empty: automatic)</label><input type="text" id="step" name="step" value="{{step}}" size="6"></div>
        <div><button type="submit">Execute</button></div></div>
        </form>
        {{#error}}<p class="errorbox" role="alert" id="query-error">{{error}}</p>{{/error}}
        {{#warnings}}<p class="notice">{{.}}</p>{{/warnings}}
        {{#chart}}<h2>Result</h2>{{> chart}}<p class="muted">{{seriesCount}} series, step {{stepText}}</p>{{/chart}}
        """

    static let dashboards = """
        <ul id="dashboard-list">{{#dashboards}}<li><a href="dashboards/{{uid}}">{{title}}</a> <span class="muted">{{panelCount}} panels</span></li>{{/dashboards}}</ul>
        {{^dashboards}}<p>No dashboards were found (see <code>--web.ui.dashboards</code>).</p>{{/dashboards}}
        """

    static let dashboard = """
        <form method="get" class="row" id="variables">
        {{#variables}}<div><label for="var-{{name}}">{{name}}</label><input type="text" id="var-{{name}}" name="var-{{name}}" value="{{value}}" size="14"></div>{{/variables}}
        <div><label for="range">Range</label><input type="text" id="range" name="range" value="{{range}}" size="6"></div><div><button type="submit">Apply</button></div>
        </form>
        <p class="muted">Variables are regular expressions; <code>.*</code> is all. Only time-series and stat panels are drawn; Grafana draws them all.</p>
        <div class="panels">
        {{#panels}}<section class="panel" aria-labelledby="panel-{{id}}"><h2 id="panel-{{id}}">{{title}}</h2>
        {{#error}}<p class="errorbox">{{error}}</p>{{/error}}
        {{#stats}}<div class="stat" title="{{legend}}">{{value}}</div><div class="muted">{{legend}}</div>{{/stats}}
        {{#chart}}{{> chart}}{{/chart}}
        {{#hasRows}}<div class="scroll"><table><tbody>{{#rows}}<tr><td class="labels">{{labels}}</td><td>{{value}}</td></tr>{{/rows}}</tbody></table></div>{{/hasRows}}
        {{#unsupported}}<p class="muted">A {{unsupported}} panel: open it in Grafana.</p>{{/unsupported}}
        </section>{{/panels}}
        </div>
        """

    static let notFound = """
        <p>There is no page here. <a href="{{base}}./">Back to the overview</a>.</p>
        """
}
