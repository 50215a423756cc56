/** A small BugBug YAML bundle against the fixture site, shared by the API tests. */
export const SECRET_PASSWORD = 'pa55-very-secret-word';

export function apiBundle(siteUrl: string): Record<string, string> {
  return {
    'profile-default.yaml': `schema_version: '1.0'
schema_type: profile
data:
  name: 'Default'
  is_default: true
  variables:
    - { name: 'Site', key: 'site', type: 'string', value: '${siteUrl}' }
    - { name: 'Email', key: 'email', type: 'string', value: 'default@example.com' }
    - { name: 'Password', key: 'password', type: 'string', value: '${SECRET_PASSWORD}', has_secret_value: true }
`,
    'profile-staging.yaml': `schema_version: '1.0'
schema_type: profile
data:
  name: 'Staging'
  variables:
    - { name: 'Site', key: 'site', type: 'string', value: '${siteUrl}' }
    - { name: 'Email', key: 'email', type: 'string', value: 'staging@example.com' }
    - { name: 'Password', key: 'password', type: 'string', value: '${SECRET_PASSWORD}', has_secret_value: true }
`,
    'component-login.yaml': `schema_version: '1.0'
schema_type: component
data:
  component_name: 'Log in'
  slug: 'log-in'
  steps:
    - action: goto
      name: 'Open login'
      action_details: { url: '{{site}}/login.html' }
    - action: type
      name: 'Type email'
      action_details: { selector: "xpath=//input[@name='email']", value: '{{email}}' }
    - action: type
      name: 'Type password'
      action_details: { selector: 'css=input[name=password]', value: '{{password}}', has_secret_value: true }
    - action: click
      name: 'Submit'
      action_details: { selector: "css=button[type=submit]" }
`,
    'test-login.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Login works'
  slug: 'login'
  runtime: browser
  screen_size: desktop
  groups:
    - component_source: 'log-in'
    - group_name: 'Check'
      slug: 'check'
      steps:
        - action: assert
          name: 'On the dashboard'
          action_details: { assertion_property: pageTitle, assertion_type: contain, assertion_expected_value: 'Dashboard' }
        - action: assert
          name: 'Greets the user'
          action_details: { selector: 'css=#welcome', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'Welcome, {{email}}' }
`,
    'test-failing.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Wrong heading'
  slug: 'failing'
  runtime: browser
  screen_size: mobile
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
        - action: goto
          name: 'Open console page'
          action_details: { url: '{{site}}/console.html' }
        - action: assert
          name: 'Paragraph says nope'
          action_details: { selector: 'css=p', assertion_property: textContent, assertion_type: equal, assertion_expected_value: 'nope' }
          execution: { run_timeout: 3 }
        - action: click
          name: 'Never reached'
          action_details: { selector: 'css=p' }
`,
    'test-slow.yaml': `schema_version: '1.0'
schema_type: test
data:
  name: 'Slow steps'
  slug: 'slow'
  runtime: browser
  screen_size: desktop
  groups:
    - group_name: 'Main'
      slug: 'main'
      steps:
        - action: goto
          name: 'Open login'
          action_details: { url: '{{site}}/login.html' }
${[1, 2, 3, 4, 5, 6]
  .map(
    (i) => `        - action: assert
          name: 'Pause ${i}'
          action_details: { assertion_property: pageUrlIs, assertion_type: contain, assertion_expected_value: 'login' }
          execution: { sleep: ${i === 6 ? 20 : 0.4} }
`,
  )
  .join('')}`,
  };
}
