/**
 * The demo `npm start` seeds (KAWAL_DEMO): Kota Banjarbaru with its real kecamatan and kelurahan, people for every
 * role, a running Kelurahan Bebas Maladministrasi programme with work in every state, and Kota Banjarmasin's
 * published compliance scores. Everything here is made up except the place names, codes and scores.
 */
import type { db } from '@kawal/database';

/** Every demo person signs in with this password (shown in the README; the demo never runs in production). */
export const DEMO_PASSWORD = 'kawal-demo-2026';
export const DEMO_DOMAIN = 'demo.kawal.local';
export const DEMO_PROGRAMME_NAME = 'Kelurahan Bebas Maladministrasi Kota Banjarbaru (demo)';
export const DEMO_TEMPLATE_KEY = 'kelurahan-bebas-maladministrasi';
/** The programme started this many working days ago, so the first tasks of the sosialisasi phase are already due. */
export const DEMO_STARTED_WORKING_DAYS_AGO = 12;
/** Every unit but one got this many more working days; the one left out is the overdue (and escalated) one. */
export const DEMO_EXTENSION_WORKING_DAYS = 10;

export interface DemoPerson {
  key: string;
  email: string;
  name: string;
  /** What the README says this person is for. */
  role: string;
  grants: Array<{ role: db.Role; unitCode: string | null }>;
}

const at = (local: string) => `${local}@${DEMO_DOMAIN}`;

export const KOTA_BANJARBARU = '63.72';
export const KOTA_BANJARMASIN = '63.71';
export const BANJARBARU_UTARA = '63.72.04';
export const LOKTABAT_UTARA = '63.72.04.1001';
export const MENTAOS = '63.72.04.1002';
export const KOMET = '63.72.04.1003';
export const SUNGAI_BESAR = '63.72.05.1001';
export const KEMUNING = '63.72.05.1003';
export const BANJARBARU_SELATAN = '63.72.05';
/** The unit whose deadline was not extended: its first tasks are overdue and escalated. */
export const OVERDUE_UNIT = '63.72.02.1005'; // Guntung Manggis, Landasan Ulin

export const DEMO_PEOPLE: DemoPerson[] = [
  { key: 'admin', email: at('admin'), name: 'Admin Demo Kawal', role: 'Administrator (units, people, templates, everything)', grants: [{ role: 'ADMIN', unitCode: null }] },
  {
    key: 'coordinator',
    email: at('organisasi'),
    name: 'Bagian Organisasi Setda Kota Banjarbaru',
    role: 'Coordinator: launches and steers the programme, approves sosialisasi, revokes designations',
    grants: [{ role: 'COORDINATOR', unitCode: KOTA_BANJARBARU }],
  },
  {
    key: 'camat',
    email: at('camat.banjarbaruutara'),
    name: 'Camat Banjarbaru Utara',
    role: 'Reviewer (camat): reviews the kelurahan of Banjarbaru Utara and receives their escalations',
    grants: [
      { role: 'REVIEWER', unitCode: BANJARBARU_UTARA },
      { role: 'UNIT_HEAD', unitCode: BANJARBARU_UTARA },
    ],
  },
  {
    key: 'camat-selatan',
    email: at('camat.banjarbaruselatan'),
    name: 'Camat Banjarbaru Selatan',
    role: 'Reviewer (camat) for Banjarbaru Selatan',
    grants: [
      { role: 'REVIEWER', unitCode: BANJARBARU_SELATAN },
      { role: 'UNIT_HEAD', unitCode: BANJARBARU_SELATAN },
    ],
  },
  { key: 'lurah', email: at('lurah.loktabatutara'), name: 'Lurah Loktabat Utara', role: 'Unit head (lurah): works the tasks of Loktabat Utara', grants: [{ role: 'UNIT_HEAD', unitCode: LOKTABAT_UTARA }] },
  { key: 'staff', email: at('staf.loktabatutara'), name: 'Staf Pelayanan Loktabat Utara', role: 'Unit staff: uploads evidence and submits for Loktabat Utara', grants: [{ role: 'UNIT_STAFF', unitCode: LOKTABAT_UTARA }] },
  { key: 'lurah-mentaos', email: at('lurah.mentaos'), name: 'Lurah Mentaos', role: 'Unit head whose submission waits for the coordinator', grants: [{ role: 'UNIT_HEAD', unitCode: MENTAOS }] },
  { key: 'lurah-kemuning', email: at('lurah.kemuning'), name: 'Lurah Kemuning', role: 'Unit head whose sosialisasi was approved', grants: [{ role: 'UNIT_HEAD', unitCode: KEMUNING }] },
  { key: 'lurah-komet', email: at('lurah.komet'), name: 'Lurah Komet', role: 'Unit head whose submission was returned', grants: [{ role: 'UNIT_HEAD', unitCode: KOMET }] },
  { key: 'lurah-overdue', email: at('lurah.guntungmanggis'), name: 'Lurah Guntung Manggis', role: 'Unit head with overdue tasks', grants: [{ role: 'UNIT_HEAD', unitCode: OVERDUE_UNIT }] },
  {
    key: 'observer',
    email: at('ombudsman.kalsel'),
    name: 'Ombudsman RI Perwakilan Kalimantan Selatan',
    role: 'Observer: reads every programme, case and score in Kalimantan Selatan, changes nothing',
    grants: [{ role: 'OBSERVER', unitCode: '63' }],
  },
];

/** Kota Banjarmasin's Ombudsman compliance scores, as published (the worked example). */
export const BANJARMASIN_SCORES: Array<{ year: number; score: number; source: string }> = [
  { year: 2021, score: 83.98, source: 'Ombudsman RI, Penilaian Kepatuhan Standar Pelayanan Publik 2021' },
  { year: 2022, score: 69.63, source: 'Ombudsman RI, Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik 2022' },
  { year: 2023, score: 88.02, source: 'Ombudsman RI, Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik 2023' },
  { year: 2024, score: 95.45, source: 'Ombudsman RI, Penilaian Kepatuhan Penyelenggaraan Pelayanan Publik 2024' },
];
